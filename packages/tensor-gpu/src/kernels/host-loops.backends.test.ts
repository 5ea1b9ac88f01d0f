import { afterAll, describe, expect, it } from 'vitest';
import { Device } from '../backend/device';
import type { DeviceBuffer } from '../backend/device-buffer';
import type { HostKernel, KernelSpec } from '../backend/kernel-spec';
import type { Shape } from '../shape';
import { sizeOf, stridesOf } from '../shape';
import { ELEMENTWISE_BODIES, elementwiseKernel, type ElementwiseOp, type Operand } from './elementwise';
import { HostElementwise } from './host-elementwise';
import { WasmSimdKernels } from '../wasm/simd-kernels';
import { adamStepKernel, momentumStepKernel, movingAverageKernel, OPTIMIZER_HOST_LOOPS, sgdKernel, type OptimizerKernelName } from '../optim/kernels';
import { hostGather } from './host-gather';
import { hostAvgPool, hostAvgPoolGrad, hostMaxPool, hostMaxPoolGrad } from './host-pool';
import { hostReduce } from './host-reduce';
import { gatherKernel } from './layout';
import { avgPoolGradKernel, avgPoolKernel, maxPoolGradKernel, maxPoolKernel, type PoolGeometry } from './pool';
import { reduceKernel, type ReduceOp } from './reduce';
import { hostSoftmax } from './host-softmax';
import { SOFTMAX_OPS, softmaxKernel } from './softmax';

// The cpu backend's host loops against the portable gpu.js kernel sources they replace, run by
// gpu.js's own cpu mode on the same inputs: the results must be identical bit for bit (NaN for
// NaN), on odd sizes, broadcasting, overlapping windows, ties, ±0, ±Infinity and NaN.

const device = new Device('cpu');
const simd = new WasmSimdKernels();
afterAll(() => {
  device.destroy();
  simd.dispose();
});

/** Deterministic values from a small set (ties for max and argmax), plus special values at fixed places. */
function values(n: number, seed: number, special = true): Float32Array {
  const pool = [-2.5, -1, -0.3, -0, 0, 0.1, 0.7, 1, 3.25, 1e-30, -7e5];
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s % 3 === 0 ? pool[s % pool.length] : ((s >>> 8) / 2 ** 24 - 0.5) * 6;
  }
  if (special && n > 8) {
    out[1] = Number.NaN;
    out[4] = Number.POSITIVE_INFINITY;
    out[7] = Number.NEGATIVE_INFINITY;
  }
  return out;
}

function sameBits(got: Float32Array, want: Float32Array): string | null {
  if (got.length !== want.length) return `length ${got.length} ≠ ${want.length}`;
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < got.length; i++) {
    if (Number.isNaN(got[i]) && Number.isNaN(want[i])) continue;
    if (g[i] !== w[i]) return `index ${i}: host ${got[i]} (0x${g[i].toString(16)}), gpu.js ${want[i]} (0x${w[i].toString(16)})`;
  }
  return null;
}

/** Runs `spec` through gpu.js and through `host` on the same inputs; returns the first difference. */
async function compare(spec: KernelSpec, host: HostKernel, args: readonly (Float32Array | number)[]): Promise<string | null> {
  const buffers: DeviceBuffer[] = [];
  const onDevice = args.map((a) => {
    if (typeof a === 'number') return a;
    const b = device.upload(a);
    buffers.push(b);
    return b;
  });
  const portable = device.run(spec, onDevice);
  const hosted = device.run(spec, onDevice, 'float32', host);
  const diff = sameBits(await device.read(hosted), await device.read(portable));
  for (const b of [...buffers, portable, hosted]) device.free(b);
  return diff ? `${spec.name}: ${diff}` : null;
}

const arity = (op: ElementwiseOp) => (ELEMENTWISE_BODIES[op].includes('z') ? 3 : /\by\b/.test(ELEMENTWISE_BODIES[op]) ? 2 : 1);

describe('host loops equal the gpu.js kernel sources bit for bit (cpu)', () => {
  const elementwise = new HostElementwise();

  it('every elementwise primitive, same shapes and broadcast, with scalars, odd sizes and special values', async () => {
    const patterns: { out: Shape; operands: Operand[] }[][] = [
      [{ out: [3, 5, 7], operands: [[3, 5, 7]] }, { out: [], operands: [[]] }, { out: [13], operands: [[13]] }],
      [
        { out: [3, 5, 7], operands: [[3, 5, 7], [3, 5, 7]] },
        { out: [3, 5, 7], operands: [[3, 5, 7], [5, 1]] },
        { out: [3, 5, 7], operands: [[1, 7], [3, 5, 7]] },
        { out: [2, 3, 4, 5], operands: [[2, 3, 4, 5], [3, 1, 1]] },
        { out: [9, 11], operands: [[9, 11], 'scalar'] },
        { out: [9, 11], operands: ['scalar', [9, 11]] },
        { out: [4, 6], operands: [[4, 1], [1, 6]] },
      ],
      [
        { out: [3, 5, 7], operands: [[3, 5, 7], [3, 5, 7], [3, 5, 7]] },
        { out: [3, 5, 7], operands: [[5, 7], 'scalar', [3, 1, 7]] },
      ],
    ];
    const failures: string[] = [];
    for (const op of Object.keys(ELEMENTWISE_BODIES) as ElementwiseOp[]) {
      for (const [k, p] of patterns[arity(op) - 1].entries()) {
        const args = p.operands.map((o, i) => (o === 'scalar' ? [0.1, -3, 2.5][i] : values(sizeOf(o), 17 * k + i + 1)));
        const diff = await compare(elementwiseKernel(op, p.out, p.operands), elementwise.run, args);
        if (diff) failures.push(`${JSON.stringify(p)} ${diff}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('the WebAssembly SIMD elementwise ops too, on sizes past its threshold, odd lengths and broadcast rows', async () => {
    const patterns: { out: Shape; operands: Operand[] }[][] = [
      [{ out: [5, 111], operands: [[5, 111]] }, { out: [1001], operands: [[1001]] }],
      [
        { out: [5, 111], operands: [[5, 111], [5, 111]] },
        { out: [6, 3, 37], operands: [[6, 3, 37], [3, 1]] },
        { out: [6, 3, 37], operands: [[37], [6, 3, 37]] },
        { out: [4, 6, 5, 5], operands: [[4, 6, 5, 5], [6, 1, 1]] },
        { out: [9, 41], operands: [[9, 41], 'scalar'] },
        { out: [9, 41], operands: ['scalar', [9, 41]] },
        { out: [20, 30], operands: [[20, 1], [1, 30]] },
      ],
      [{ out: [5, 111], operands: [[5, 111], 'scalar', [111]] }],
    ];
    const run: HostKernel = (inputs, out, scalars, params) => simd.elementwise(inputs, out, scalars, params);
    const failures: string[] = [];
    for (const op of Object.keys(ELEMENTWISE_BODIES) as ElementwiseOp[]) {
      for (const [k, p] of patterns[arity(op) - 1].entries()) {
        const args = p.operands.map((o, i) => (o === 'scalar' ? [0.1, -3, 2.5][i] : values(sizeOf(o), 31 * k + i + 5)));
        const diff = await compare(elementwiseKernel(op, p.out, p.operands), run, args);
        if (diff) failures.push(`${JSON.stringify(p)} ${diff}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('the row-wise softmax primitives, forward and gradients, on single-value, odd and long rows with ±Infinity and NaN', async () => {
    let seed = 300;
    for (const op of SOFTMAX_OPS) {
      for (const [rows, cols] of [[1, 1], [7, 10], [3, 257], [40, 3]]) {
        const args = op === 'softmax' || op === 'logSoftmax' ? [values(rows * cols, seed++)] : [values(rows * cols, seed++), values(rows * cols, seed++)];
        expect(await compare(softmaxKernel(op, rows, cols), hostSoftmax, args)).toBeNull();
      }
    }
  });

  it('the optimizer updates, as JavaScript loops and in WebAssembly SIMD, on an odd size, first steps and Nesterov included', async () => {
    const n = 1003;
    const [p, g, s, v] = [values(n, 1), values(n, 2), values(n, 3), values(n, 4, false).map(Math.abs)];
    const cases: [KernelSpec, (Float32Array | number)[]][] = [
      [sgdKernel(n), [p, g, 0.1, 0]],
      [sgdKernel(n), [p, g, 0.05, 1e-4]],
      [movingAverageKernel(n, false), [s, g, p, 0.9, 1, 1e-4]],
      [movingAverageKernel(n, false), [s, g, p, 0, 1, 0]],
      [movingAverageKernel(n, true), [s, g, p, 0.999, 1 - 0.999, 0.01]],
      [momentumStepKernel(n), [p, g, s, 0.1, 1e-4, 0.9, 0]],
      [momentumStepKernel(n), [p, g, s, 0.1, 1e-4, 0.9, 1]],
      [adamStepKernel(n), [p, s, v, 1e-3 / (1 - 0.9 ** 3), Math.sqrt(1 - 0.999 ** 3), 1e-8]],
    ];
    for (const [spec, args] of cases) {
      const name = spec.name as OptimizerKernelName;
      expect(await compare(spec, OPTIMIZER_HOST_LOOPS[name], args)).toBeNull();
      expect(await compare(spec, (inputs, out, scalars) => simd.optimizerUpdate(name, inputs, out, scalars), args)).toBeNull();
    }
  });

  it('every reduction, over a leading, middle and trailing axis (and a leading one with another), with ties and NaN', async () => {
    const failures: string[] = [];
    for (const op of ['sum', 'mean', 'max', 'min', 'argmax', 'argmin'] as ReduceOp[]) {
      const views = [[1, 37, 1, 1], [5, 9, 1, 1], [1, 7, 13, 1], [3, 6, 5, 1], [4, 1, 3, 1]];
      if (op !== 'argmax' && op !== 'argmin') views.push([3, 7, 1, 4], [2, 5, 3, 3], [1, 1, 1, 9]);
      for (const [outer, reduce, inner, lead] of views) {
        for (const special of [false, true]) {
          const diff = await compare(reduceKernel(op, outer, reduce, inner, lead), hostReduce, [values(lead * outer * reduce * inner, outer + reduce + inner + lead, special)]);
          if (diff) failures.push(`[${lead},${outer},${reduce},${inner}] special ${special} ${diff}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('strided gathers: transposes (long rows included), a slice with an offset, a broadcast', async () => {
    const shape = [3, 4, 5];
    const x = values(60, 3);
    const s = stridesOf(shape);
    const cases: [Shape, number[], number][] = [
      [[5, 4, 3], [s[2], s[1], s[0]], 0],
      [[4, 3, 5], [s[1], s[0], s[2]], 0],
      [[2, 2, 3], [s[0], s[1], s[2]], s[0] + s[1] + 1],
      [[2, 3, 4, 5], [0, ...s], 0],
      [[], [], 17],
    ];
    for (const [out, strides, offset] of cases) expect(await compare(gatherKernel(out, strides, offset), hostGather, [x])).toBeNull();
    // Moving the channel axis of [2, 3, 10, 10] to the front: rows of 100 copied whole.
    const image = values(600, 9);
    expect(await compare(gatherKernel([3, 2, 10, 10], [100, 300, 10, 1], 0), hostGather, [image])).toBeNull();
  });

  it('max and average pooling (JavaScript, and max pooling in WebAssembly), forward and gradients, with overlapping and padded windows, ties and −0', async () => {
    const geometries: PoolGeometry[] = [
      { n: 2, c: 3, h: 8, w: 8, oh: 4, ow: 4, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0 },
      { n: 2, c: 3, h: 9, w: 21, oh: 4, ow: 10, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0 },
      { n: 1, c: 2, h: 7, w: 9, oh: 4, ow: 5, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1 },
      { n: 2, c: 1, h: 6, w: 5, oh: 4, ow: 3, kh: 3, kw: 2, sh: 1, sw: 2, ph: 0, pw: 0 },
    ];
    for (const g of geometries) {
      const x = values(g.n * g.c * g.h * g.w, g.h + g.w, false);
      const dy = values(g.n * g.c * g.oh * g.ow, g.oh * 7, false);
      expect(await compare(maxPoolKernel(g), hostMaxPool, [x])).toBeNull();
      expect(await compare(maxPoolGradKernel(g), hostMaxPoolGrad, [x, dy])).toBeNull();
      expect(await compare(maxPoolKernel(g), ([a], out) => simd.maxPool2d(g, a, out), [x])).toBeNull();
      expect(await compare(maxPoolGradKernel(g), ([a, d], out) => simd.maxPool2dGrad(g, a, d, out), [x, dy])).toBeNull();
      expect(await compare(avgPoolKernel(g), hostAvgPool, [x])).toBeNull();
      expect(await compare(avgPoolGradKernel(g), hostAvgPoolGrad, [dy])).toBeNull();
    }
  });
});
