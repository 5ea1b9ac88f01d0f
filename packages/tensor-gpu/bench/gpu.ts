/**
 * GPU benchmark, one bundled program for a machine with a GPU (WebGPU from Node through the
 * `webgpu` package, see the repository's device kit): matmul 512–4096 in TFLOP/s (10 chained
 * products, one read-back), conv2d on LeNet shapes, MLP and LeNet training steps/s, the packed
 * K-model speedup (K = 1..16), float16-emulated training overhead, and a naive gpu.js matmul kernel
 * (one thread per output, operands uploaded from the host) as the baseline in the same run.
 *
 * Bundle: `pnpm exec esbuild bench/gpu.ts --bundle --platform=node --format=esm --external:gl
 * --external:webgpu --outfile=.device-out/gpu.mjs` (from the package directory). Run there:
 * `node gpu.mjs [--backend webgpu] [--quick] [--out DIR]`. Elsewhere `--backend cpu` smoke-tests it.
 */
import { GPU } from 'gpu.js';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as t from '../src/index';
import { packedSgd } from '../src/optim/packed-sgd';
import { sgd } from '../src/optim/sgd';
import type { Optimizer } from '../src/optim/optimizer';
import { median } from './timing';

const arg = (name: string, fallback: string) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
};
const quick = process.argv.includes('--quick');
const backend = arg('backend', 'webgpu') as t.BackendName;
const outDir = arg('out', process.env.OUT ?? 'bench/results');
const rows: Record<string, unknown>[] = [];
const log = (row: Record<string, unknown>) => {
  rows.push(row);
  console.error(JSON.stringify(row));
};

async function timeIt(run: () => Promise<void>, reps = quick ? 3 : 7): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function matmulRows(): Promise<void> {
  for (const n of quick ? [256, 512] : [512, 1024, 2048, 4096]) {
    const a = t.randn([n, n], { seed: 1, std: 1 / Math.sqrt(n) });
    const b = t.randn([n, n], { seed: 2, std: 1 / Math.sqrt(n) });
    const chain = 10;
    const ms = await timeIt(async () => {
      const y = t.tidy(() => {
        let x = a;
        for (let i = 0; i < chain; i++) x = t.matmul(x, b);
        return x;
      });
      await y.data();
      y.dispose();
    });
    log({ case: 'matmul', n, chained: chain, ms, tflops: (chain * 2 * n ** 3) / (ms * 1e9) });
    t.dispose([a, b]);
  }
}

async function naiveRows(): Promise<void> {
  for (const n of quick ? [256] : [1024, 2048]) {
    const gpu = new GPU({ mode: backend });
    const kernel = gpu.createKernel(
      `function (a, b) { let s = 0; for (let k = 0; k < ${n}; k++) { s += a[this.thread.y][k] * b[k][this.thread.x]; } return s; }`,
      { output: [n, n], precision: 'single', loopMaxIterations: n + 1 } as any,
    );
    const host = Array.from({ length: n }, (_, i) => Float32Array.from({ length: n }, (_, j) => ((i * 7 + j * 13) % 17) / 17));
    const ms = await timeIt(async () => {
      await kernel(host, host);
    });
    log({ case: 'naive gpu.js matmul (upload and read-back)', n, ms, tflops: (2 * n ** 3) / (ms * 1e9) });
    gpu.destroy();
  }
}

async function convRows(): Promise<void> {
  const cases = [
    { name: '28x28x1 -> 5x5x32 same', x: [32, 1, 28, 28], w: [32, 1, 5, 5] },
    { name: '14x14x32 -> 5x5x64 same', x: [32, 32, 14, 14], w: [64, 32, 5, 5] },
  ];
  for (const c of cases) {
    const x = t.randn(c.x, { seed: 3 });
    const w = t.randn(c.w, { seed: 4 });
    const ms = await timeIt(async () => {
      const y = t.conv2d(x, w, { padding: 2 });
      await y.data();
      y.dispose();
    });
    const flops = 2 * c.x[0] * c.x[2] * c.x[3] * c.w[0] * 25 * c.w[1];
    log({ case: 'conv2d', shape: c.name, ms, gflops: flops / (ms * 1e6) });
    t.dispose([x, w]);
  }
}

function mlp(seed: number): t.nn.Module {
  return new t.nn.Sequential(new t.nn.Linear(784, 256, { seed }), new t.nn.ReLU(), new t.nn.Linear(256, 10, { seed: seed + 1 }));
}

async function trainStep(model: t.nn.Module, opt: Optimizer, x: t.Tensor, labels: number[], packed: boolean, half: boolean): Promise<void> {
  const params = model.parameters();
  const { value, grads } = t.valueAndGrad((..._params: t.Tensor[]) => {
    const input = half ? t.cast(x, 'float16') : x;
    const out = model.forward(input);
    return packed ? t.sum(t.packedCrossEntropy(out, labels)) : t.crossEntropy(half ? t.cast(out, 'float32') : out, labels);
  })(...params.map((p) => p.value));
  opt.step(params, grads);
  await value.data();
  t.dispose([value, ...grads]);
}

async function trainingRows(): Promise<void> {
  const labels = Array.from({ length: 64 }, (_, i) => i % 10);
  for (const arch of ['mlp', 'lenet'] as const) {
    const x = arch === 'mlp' ? t.rand([64, 784], { seed: 5 }) : t.rand([64, 1, 28, 28], { seed: 5 });
    const model = arch === 'mlp' ? mlp(1) : t.nn.lenet5({ seed: 1 });
    const opt = sgd({ lr: 0.01, momentum: 0.9 });
    const ms = await timeIt(() => trainStep(model, opt, x, labels, false, false), quick ? 3 : 20);
    log({ case: 'training step', model: arch, batch: 64, ms, stepsPerSecond: 1000 / ms });
    model.dispose();
    opt.dispose();
    x.dispose();
  }
}

async function packedRows(): Promise<void> {
  const labels = Array.from({ length: 64 }, (_, i) => i % 10);
  const x = t.rand([64, 784], { seed: 6 });
  const single = mlp(1);
  const singleOpt = sgd({ lr: 0.01, momentum: 0.9 });
  const one = await timeIt(() => trainStep(single, singleOpt, x, labels, false, false), quick ? 3 : 20);
  single.dispose();
  singleOpt.dispose();
  for (const k of quick ? [1, 2] : [1, 2, 4, 8, 16]) {
    const seeds = Array.from({ length: k }, (_, i) => 10 + i);
    const model = new t.nn.Sequential(new t.nn.PackedLinear(k, 784, 256, { seeds }), new t.nn.FoldModels(new t.nn.ReLU()), new t.nn.PackedLinear(k, 256, 10, { seeds }));
    const opt = packedSgd({ models: k, lr: 0.01, momentum: 0.9 });
    const ms = await timeIt(() => trainStep(model, opt, x, labels, true, false), quick ? 3 : 20);
    log({ case: 'packed MLP step', k, packedMs: ms, sequentialMs: k * one, speedup: (k * one) / ms });
    model.dispose();
    opt.dispose();
  }
  x.dispose();
}

async function fp16Rows(): Promise<void> {
  const labels = Array.from({ length: 64 }, (_, i) => i % 10);
  const x = t.rand([64, 784], { seed: 7 });
  for (const half of [false, true]) {
    const model = mlp(1);
    // The overhead of float16 kernels (rounding inside every kernel) on a forward/backward pass.
    if (half) for (const p of model.parameters()) p.assign(t.keep(t.cast(p.value, 'float16')));
    const ms = await timeIt(async () => {
      const params = model.parameters();
      const { value, grads } = t.valueAndGrad((..._params: t.Tensor[]) => t.crossEntropy(t.cast(model.forward(half ? t.cast(x, 'float16') : x), 'float32'), labels))(...params.map((p) => p.value));
      await value.data();
      t.dispose([value, ...grads]);
    }, quick ? 3 : 20);
    log({ case: 'MLP forward+backward', dtype: half ? 'float16' : 'float32', ms });
    model.dispose();
  }
  x.dispose();
}

await t.setBackend(backend);
console.error(`backend ${t.getBackend()}`);
for (const part of [matmulRows, naiveRows, convRows, trainingRows, packedRows, fp16Rows]) {
  try {
    await part();
  } catch (e) {
    log({ case: part.name, error: String((e as Error).message ?? e) });
  }
}
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, `gpu-${backend}.json`), JSON.stringify({ date: new Date().toISOString(), backend, rows }, null, 2));
for (const r of rows) console.log(Object.entries(r).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`).join('  '));
