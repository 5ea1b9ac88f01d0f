import { WasmSimdKernels } from '../src/wasm/simd-kernels';
import type { ConvGeometry } from '../src/kernels/conv';
const s = new WasmSimdKernels();
const g1: ConvGeometry = { n: 64, c: 1, h: 28, w: 28, o: 6, kh: 5, kw: 5, oh: 28, ow: 28, sh: 1, sw: 1, ph: 2, pw: 2, dh: 1, dw: 1, groups: 1 };
const g2: ConvGeometry = { n: 64, c: 6, h: 14, w: 14, o: 16, kh: 5, kw: 5, oh: 10, ow: 10, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, groups: 1 };
const time = (name: string, flops: number, f: () => void) => { for (let i = 0; i < 10; i++) f(); const c0 = process.cpuUsage(); for (let i = 0; i < 30; i++) f(); const u = process.cpuUsage(c0); const ms = (u.user + u.system) / 1000 / 30; console.log(name.padEnd(12), ms.toFixed(3), 'ms cpu', (flops / ms / 1e6).toFixed(1), 'GFLOP/s'); };
for (const [name, g] of [['conv1', g1], ['conv2', g2]] as const) {
  const x = new Float32Array(g.n * g.c * g.h * g.w).map(() => Math.random());
  const w = new Float32Array(g.o * g.c * 25).map(() => Math.random());
  const y = new Float32Array(g.n * g.o * g.oh * g.ow).map(() => Math.random());
  const flops = 2 * g.n * g.o * g.c * 25 * g.oh * g.ow;
  time(name + ' fwd', flops, () => s.conv2d(g, x, w, y));
  time(name + ' wgrad', flops, () => s.conv2dWeightGrad(g, y, x, w));
  time(name + ' igrad', flops, () => s.conv2dInputGrad(g, y, w, x));
}
