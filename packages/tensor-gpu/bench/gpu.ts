/**
 * WebGPU benchmark, one program: tensor-gpu's webgpu backend (tiled WGSL kernels on resident
 * buffers) against the gpu.js kernel (the portable source, one output per thread, dispatched on
 * the same device) and @tensorflow/tfjs-backend-webgpu on the same `navigator.gpu`, in one process
 * with rounds interleaved. Measures matmul TFLOP/s (512–8192 on a GPU), conv2d, MLP 784-256-10 and
 * LeNet-5 training steps/s, the conv2d gradients, pooling (forward and gradient), softmax and the cross-entropy gradient, the packed K-model speedup (K = 1..16) and the float16-emulation
 * overhead. Prints a table last and writes JSON. See bench/README.md ("WebGPU") for the bundle.
 *
 * Options: `--quick` (fewer rounds), `--out=DIR` (default `$OUT` or bench/results),
 * `--only=matmul,conv,convGrads,pool,softmax,training,packed,fp16` (some groups; the file name says which).
 * On SwiftShader (a CPU implementation) sizes are capped and the skipped ones are noted.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import * as t from '../src/index';
import { nodeWebGpu } from '../src/node';
import { packedSgd } from '../src/optim/packed-sgd';
import { sgd } from '../src/optim/sgd';
import type { Optimizer } from '../src/optim/optimizer';
import type { GpuLike } from '../src/webgpu/gpu-like';
import { median } from './timing';

const quick = process.argv.includes('--quick');
const outArg = process.argv.find((a) => a.startsWith('--out='));
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice(7).split(',') : null;
const outDir = outArg ? outArg.slice(6) : process.env.OUT ?? 'bench/results';
const rows: Record<string, unknown>[] = [];
const notes: string[] = [];
const log = (row: Record<string, unknown>) => {
  rows.push(row);
  console.error(JSON.stringify(row));
};

/** navigator.gpu (a browser, or Node with the device kit's preload), else Dawn through the `webgpu` package, shared with tfjs. */
async function entryObject(): Promise<GpuLike> {
  const nav = (globalThis as any).navigator;
  if (nav?.gpu) return nav.gpu;
  const name = 'webgpu';
  const { globals } = await import(/* @vite-ignore */ name);
  Object.assign(globalThis, globals); // GPUBufferUsage & co. for tfjs
  const gpu = await nodeWebGpu();
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  return gpu;
}

/** Times each implementation once per round, rotating the order; returns median ms per implementation. */
async function interleaved(impls: Record<string, () => Promise<unknown>>, rounds: number): Promise<Record<string, number>> {
  const names = Object.keys(impls);
  for (const n of names) await impls[n](); // warm-up: compiles pipelines
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const n = names[(i + r) % names.length];
      const t0 = performance.now();
      await impls[n]();
      times[n].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n])]));
}

/** Runs `fn` with the portable gpu.js sources in place of every WGSL kernel of tensor-gpu's own (tiled products, pooling, reductions). */
async function portable<T>(fn: () => Promise<T>): Promise<T> {
  const kernels = t.defaultEngine.kernels;
  const own = kernels.entries().filter((e) => e.backend === 'webgpu').map((e) => [e.name, kernels.wgslImplementation(e.name)!] as const);
  for (const [name] of own) kernels.unregisterWgsl(name);
  try {
    return await fn();
  } finally {
    for (const [name, kernel] of own) kernels.registerWgsl(name, kernel);
  }
}

function randomMatrix(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n * n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 4294967296 - 0.5) / Math.sqrt(n);
  });
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / (m || 1);
}

async function matmulRows(tf: typeof import('./gpu-tfjs') | null, software: boolean): Promise<void> {
  const sizes = software ? [128, 256, 512] : [512, 1024, 2048, 4096, 8192];
  if (software) notes.push('matmul 1024–8192 skipped on SwiftShader (a CPU implementation); run the bundle on a GPU machine');
  const chain = software ? 2 : 10;
  for (const n of sizes) {
    const av = randomMatrix(n, 1);
    const bv = randomMatrix(n, 2);
    const a = t.tensor(av, [n, n]);
    const b = t.tensor(bv, [n, n]);
    const ours = async () => {
      const y = t.tidy(() => {
        let x = a;
        for (let i = 0; i < chain; i++) x = t.matmul(x, b);
        return x;
      });
      const v = await y.data();
      y.dispose();
      return v;
    };
    const withGpuJs = !software || n <= 512 ? () => portable(ours) : null;
    if (!withGpuJs) notes.push(`gpu.js kernel skipped at ${n}³`);
    const impls: Record<string, () => Promise<unknown>> = { tiled: ours };
    if (withGpuJs && n <= 4096) impls['gpu.js kernel'] = withGpuJs;
    if (tf) impls['tfjs-webgpu'] = tf.tfjsMatmulChain(n, chain, av, bv);
    const check: Record<string, number> = {};
    const reference = await ours();
    for (const [name, run] of Object.entries(impls)) if (name !== 'tiled') check[name] = maxRelDiff((await run()) as Float32Array, reference);
    const ms = await interleaved(impls, quick ? 3 : software ? 5 : 9);
    const flop = chain * 2 * n ** 3;
    const tflops = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, flop / (v * 1e9)]));
    log({ case: 'matmul', n, chained: chain, ms, tflops, maxRelDiffToTiled: check, tiledOverGpuJs: ms['gpu.js kernel'] ? ms['gpu.js kernel'] / ms.tiled : null, tiledOverTfjs: ms['tfjs-webgpu'] ? ms['tfjs-webgpu'] / ms.tiled : null });
    t.dispose([a, b]);
  }
}

async function convRows(tf: typeof import('./gpu-tfjs') | null, software: boolean): Promise<void> {
  const cases = [
    { name: 'LeNet conv1 28x28x1 -> 5x5x6', x: [64, 1, 28, 28], w: [6, 1, 5, 5] },
    { name: 'LeNet conv2 14x14x6 -> 5x5x16', x: [64, 6, 14, 14], w: [16, 6, 5, 5] },
    { name: '14x14x32 -> 5x5x64', x: [software ? 4 : 64, 32, 14, 14], w: [64, 32, 5, 5] },
  ];
  for (const c of cases) {
    const x = t.randn(c.x, { seed: 3 });
    const w = t.randn(c.w, { seed: 4 });
    const ours = async () => {
      const y = t.conv2d(x, w, { padding: 2 });
      await y.data();
      y.dispose();
    };
    const impls: Record<string, () => Promise<unknown>> = { 'tiled (implicit GEMM)': ours, 'gpu.js kernel': () => portable(ours) };
    if (tf) impls['tfjs-webgpu'] = tf.tfjsConv([c.x[0], c.x[2], c.x[3], c.x[1]], [5, 5, c.w[1], c.w[0]]);
    const ms = await interleaved(impls, quick ? 3 : 7);
    const flop = 2 * c.x[0] * c.x[2] * c.x[3] * c.w[0] * 25 * c.w[1];
    log({ case: 'conv2d forward', shape: c.name, ms, gflops: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, flop / (v * 1e6)])) });
    t.dispose([x, w]);
  }
}

/** Runs `op` and reads its result: one timed call. */
const readOf = (op: () => t.Tensor) => async () => {
  const y = op();
  await y.data();
  y.dispose();
};

/** Interleaved tiled vs gpu.js kernel (and tfjs where given) of one op; logs ms and the speedup. */
async function versusPortable(row: Record<string, unknown>, op: () => t.Tensor, flop: number | null, tfjs?: () => Promise<unknown>): Promise<void> {
  const ours = readOf(op);
  const impls: Record<string, () => Promise<unknown>> = { tiled: ours, 'gpu.js kernel': () => portable(ours) };
  if (tfjs) impls['tfjs-webgpu'] = tfjs;
  const ms = await interleaved(impls, quick ? 3 : 5);
  const gflops = flop ? Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, flop / (v * 1e6)])) : undefined;
  log({ ...row, ms, ...(gflops ? { gflops } : {}), tiledOverGpuJs: ms['gpu.js kernel'] / ms.tiled, ...(tfjs ? { tiledOverTfjs: ms['tfjs-webgpu'] / ms.tiled } : {}) });
}

async function convGradRows(software: boolean): Promise<void> {
  const batch = software ? 4 : 64;
  const cases = [
    { name: '14x14x32 -> 5x5x64 pad 2', x: [batch, 32, 14, 14], w: [64, 32, 5, 5], o: { padding: 2 } },
    { name: '28x28x32 -> 3x3x64 stride 2 pad 1', x: [batch, 32, 28, 28], w: [64, 32, 3, 3], o: { padding: 1, stride: 2 } },
  ];
  for (const c of cases) {
    const x = t.randn(c.x, { seed: 3 });
    const w = t.randn(c.w, { seed: 4 });
    const y = t.conv2d(x, w, c.o);
    const dy = t.randn(y.shape, { seed: 5 });
    const flop = 2 * y.size * c.w[1] * c.w[2] * c.w[3];
    await versusPortable({ case: 'conv2d input gradient', shape: c.name, batch }, () => t.conv2dInputGrad(dy, w, c.x, c.o), flop);
    await versusPortable({ case: 'conv2d weight gradient', shape: c.name, batch }, () => t.conv2dWeightGrad(dy, x, c.w, c.o), flop);
    t.dispose([x, w, y, dy]);
  }
}

async function poolRows(tf: typeof import('./gpu-tfjs') | null, software: boolean): Promise<void> {
  const batch = software ? 8 : 64;
  const cases = [
    { name: 'LeNet 28x28x6 2x2/2', x: [batch, 6, 28, 28], o: { kernel: 2 } },
    { name: '28x28x32 3x3/2 pad 1', x: [batch, 32, 28, 28], o: { kernel: 3, stride: 2, padding: 1 } },
  ];
  for (const c of cases) {
    const x = t.randn(c.x, { seed: 6 });
    for (const kind of ['max', 'avg'] as const) {
      const y = kind === 'max' ? t.maxPool2d(x, c.o) : t.avgPool2d(x, c.o);
      const dy = t.randn(y.shape, { seed: 7 });
      const tfjs = tf ? tf.tfjsPool(kind, [c.x[0], c.x[2], c.x[3], c.x[1]], c.o.kernel, c.o.stride ?? c.o.kernel, c.o.padding ? 'same' : 'valid') : undefined;
      await versusPortable({ case: `${kind}Pool2d forward`, shape: c.name, batch }, () => (kind === 'max' ? t.maxPool2d(x, c.o) : t.avgPool2d(x, c.o)), null, tfjs);
      await versusPortable({ case: `${kind}Pool2d gradient`, shape: c.name, batch }, () => (kind === 'max' ? t.maxPool2dGrad(x, dy, c.o) : t.avgPool2dGrad(dy, c.x, c.o)), null);
      t.dispose([y, dy]);
    }
    x.dispose();
  }
}

async function softmaxRows(tf: typeof import('./gpu-tfjs') | null, software: boolean): Promise<void> {
  const shapes = software ? [[64, 10], [64, 1000], [16, 4096]] : [[64, 10], [1024, 1000], [4096, 32000]];
  for (const [rows, cols] of shapes) {
    const x = t.randn([rows, cols], { seed: 8 });
    const labels = Array.from({ length: rows }, (_, i) => i % cols);
    const shape = `${rows}x${cols}`;
    await versusPortable({ case: 'softmax forward', shape }, () => t.softmax(x), null, tf ? tf.tfjsSoftmax([rows, cols]) : undefined);
    // The gradient of the mean cross-entropy, read once: the loss's logSoftmax forward and backward.
    await versusPortable({ case: 'crossEntropy gradient', shape }, () => {
      const { value, grads } = t.valueAndGrad((z: t.Tensor) => t.crossEntropy(z, labels))(x);
      value.dispose();
      return grads[0];
    }, null);
    x.dispose();
  }
}

function mlp(seed: number): t.nn.Module {
  return new t.nn.Sequential(new t.nn.Linear(784, 256, { seed }), new t.nn.ReLU(), new t.nn.Linear(256, 10, { seed: seed + 1 }));
}

/** `steps` training steps with no read, then one read of the last loss (the only readback). */
function stepsOf(model: t.nn.Module, opt: Optimizer, x: t.Tensor, labels: Int32Array, steps: number, lossFn?: (y: t.Tensor, l: Int32Array) => t.Tensor): () => Promise<number> {
  return async () => {
    let loss: t.Tensor | null = null;
    for (let s = 0; s < steps; s++) {
      loss?.dispose();
      loss = t.train.trainStep(model, x, labels, { optimizer: opt, loss: lossFn });
    }
    const v = (await loss!.data())[0];
    loss!.dispose();
    return v;
  };
}

async function trainingRows(tf: typeof import('./gpu-tfjs') | null, software: boolean): Promise<void> {
  const batch = 64;
  const steps = software ? 3 : 20;
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  for (const arch of ['mlp', 'lenet5'] as const) {
    const x = arch === 'mlp' ? t.rand([batch, 784], { seed: 5 }) : t.rand([batch, 1, 28, 28], { seed: 5 });
    const model = arch === 'mlp' ? mlp(1) : t.nn.lenet5({ seed: 1 });
    const opt = sgd({ lr: 0.01, momentum: 0.9 });
    const run = stepsOf(model, opt, x, labels, steps);
    const before = t.defaultEngine.webgpuStats()!.readbacks;
    await run();
    const readbacksPerRun = t.defaultEngine.webgpuStats()!.readbacks - before;
    const impls: Record<string, () => Promise<unknown>> = { tiled: run, 'gpu.js kernels': () => portable(run) };
    if (tf && arch === 'mlp') impls['tfjs-webgpu (hand-written backprop)'] = tf.tfjsMlpSteps(batch, steps);
    const ms = await interleaved(impls, quick ? 3 : 5);
    log({ case: 'training steps', model: arch, batch, steps, readbacksPerRun, stepsPerSecond: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, (1000 * steps) / v])) });
    model.dispose();
    opt.dispose();
    x.dispose();
  }
  if (tf) notes.push('tfjs-webgpu LeNet-5 training not measured (tfjs-core in Node has no gradients; only the MLP has hand-written backprop)');
}

async function packedRows(software: boolean): Promise<void> {
  const batch = 64;
  const steps = software ? 2 : 10;
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  const x = t.rand([batch, 784], { seed: 6 });
  const single = mlp(1);
  const singleOpt = sgd({ lr: 0.01, momentum: 0.9 });
  const ks = software ? [1, 2, 4] : [1, 2, 4, 8, 16];
  if (software) notes.push('packed K = 8, 16 skipped on SwiftShader');
  for (const k of ks) {
    const seeds = Array.from({ length: k }, (_, i) => 10 + i);
    const model = new t.nn.Sequential(new t.nn.PackedLinear(k, 784, 256, { seeds }), new t.nn.FoldModels(new t.nn.ReLU()), new t.nn.PackedLinear(k, 256, 10, { seeds }));
    const opt = packedSgd({ models: k, lr: 0.01, momentum: 0.9 });
    const packedLoss = (y: t.Tensor, l: Int32Array) => t.sum(t.packedCrossEntropy(y, Array.from(l)));
    const ms = await interleaved({ single: stepsOf(single, singleOpt, x, labels, steps), packed: stepsOf(model, opt, x, labels, steps, packedLoss) }, quick ? 3 : 5);
    log({ case: 'packed MLP steps', k, packedMsPerStep: ms.packed / steps, singleMsPerStep: ms.single / steps, speedup: (k * ms.single) / ms.packed });
    model.dispose();
    opt.dispose();
  }
  single.dispose();
  singleOpt.dispose();
  x.dispose();
}

async function fp16Rows(software: boolean): Promise<void> {
  const labels = Array.from({ length: 64 }, (_, i) => i % 10);
  const x = t.rand([64, 784], { seed: 7 });
  const models = { float32: mlp(1), float16: mlp(1) };
  for (const p of models.float16.parameters()) p.assign(t.keep(t.cast(p.value, 'float16')));
  const passes = software ? 2 : 10;
  const pass = (half: boolean) => async () => {
    const model = half ? models.float16 : models.float32;
    for (let i = 0; i < passes; i++) {
      const params = model.parameters();
      const { value, grads } = t.valueAndGrad((..._p: t.Tensor[]) => t.crossEntropy(t.cast(model.forward(half ? t.cast(x, 'float16') : x), 'float32'), labels))(...params.map((p) => p.value));
      if (i === passes - 1) await value.data();
      t.dispose([value, ...grads]);
    }
  };
  const ms = await interleaved({ float32: pass(false), float16: pass(true) }, quick ? 3 : 5);
  log({ case: 'MLP forward+backward', passes, msPerPass: { float32: ms.float32 / passes, float16: ms.float16 / passes }, float16Overhead: ms.float16 / ms.float32 });
  models.float32.dispose();
  models.float16.dispose();
  x.dispose();
}

const gpu = await entryObject();
const adapter: any = await gpu.requestAdapter();
const info = adapter?.info ?? {};
const adapterName = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown';
const software = /swiftshader|llvmpipe|lavapipe/i.test(adapterName);
await t.setBackend('webgpu', { gpu });
const loadBefore = loadavg()[0];
console.error(`backend ${t.getBackend()} on ${adapterName}; load ${loadBefore.toFixed(2)} on ${cpus().length} cores`);
let tf: typeof import('./gpu-tfjs') | null = await import('./gpu-tfjs');
const tfNote = await tf.initTfjsWebGpu();
if (tfNote) {
  notes.push(tfNote);
  tf = null;
}
const parts: [string, () => Promise<void>][] = [
  ['matmul', () => matmulRows(tf, software)],
  ['conv', () => convRows(tf, software)],
  ['convGrads', () => convGradRows(software)],
  ['pool', () => poolRows(tf, software)],
  ['softmax', () => softmaxRows(tf, software)],
  ['training', () => trainingRows(tf, software)],
  ['packed', () => packedRows(software)],
  ['fp16', () => fp16Rows(software)],
];
for (const [name, part] of parts) {
  if (only && !only.includes(name)) continue;
  try {
    await part();
  } catch (e) {
    log({ case: 'error', error: String((e as Error).message ?? e) });
  }
}
const load = { oneMinuteBefore: loadBefore, oneMinuteAfter: loadavg()[0], cores: cpus().length };
const file = join(outDir, `gpu-webgpu-${software ? 'swiftshader' : 'gpu'}${only ? `-only-${only.join('-')}` : ''}${quick ? '.quick' : ''}.json`);
mkdirSync(outDir, { recursive: true });
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), adapter: adapterName, node: process.version, load, notes, rows }, null, 2));

const fmt = (v: unknown): string => {
  if (typeof v === 'number') return String(Number(v.toPrecision(3)));
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k} ${fmt(x)}`).join(', ');
  return String(v);
};
console.log(`\nWebGPU on ${adapterName} — load ${load.oneMinuteBefore.toFixed(2)} → ${load.oneMinuteAfter.toFixed(2)} on ${load.cores} cores; medians of interleaved rounds`);
for (const r of rows) {
  const { case: name, ...rest } = r;
  const keep = Object.entries(rest).filter(([k]) => !['ms', 'maxRelDiffToTiled'].includes(k));
  console.log(`${String(name).padEnd(22)} ${keep.map(([k, v]) => `${k}: ${fmt(v)}`).join(' | ')}`);
}
for (const n of notes) console.log(`note: ${n}`);
console.log(`wrote ${file}`);
process.exit(0);
