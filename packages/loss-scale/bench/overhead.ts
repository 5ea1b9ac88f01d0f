/**
 * Benchmark of @nnlab/loss-scale: time per training step of each loss-scaling method on the cpu
 * backend (emulated float16), and the overhead of adaptive layer-wise scaling over static scaling.
 * Methods: float32, float16 static S = 128, dynamic, adaptive every step (F = 1) and every 100
 * steps (F = 100), each without per-layer recording; adaptive F = 1 also with recording.
 * Steps of the methods are interleaved (round robin) so that machine load hits them alike.
 *
 * Run from the package folder: `pnpm bench` (`tsx bench/overhead.ts`). Prints a table and writes
 * `bench/results/overhead.json`. Options: `--quick` (few steps; writes `overhead.quick.json`),
 * `--steps=N`, `--models=mnist-fc,lenet5` (also `resnet20`; another list writes `overhead.<models>.json`),
 * `--portable` (adds float16 static S = 128 on tensor-gpu's portable float16 kernels, the gpu.js
 * sources that computed every float16 result before the host ones: the same numbers, slower).
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { adaptiveScaling, dynamicScaling, MixedPrecisionTrainer, noScaling, staticScaling, type LossScalePolicy } from '../src/index';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const steps = Number(option('steps') ?? (quick ? 3 : 20));
const models = (option('models') ?? 'mnist-fc,lenet5').split(',');
const withPortable = args.includes('--portable');

const MODELS: Record<string, { build: () => t.nn.Module; inputShape: number[] }> = {
  'mnist-fc': { build: () => t.nn.mnistFc({ seed: 1 }), inputShape: [784] },
  lenet5: { build: () => t.nn.lenet5({ seed: 1 }), inputShape: [1, 28, 28] },
  // The CIFAR-10 network of the paper's experiments, for the step time that sizes a full run.
  resnet20: { build: () => t.nn.resnet20({ seed: 1 }), inputShape: [3, 32, 32] },
};

interface Method { name: string; precision: 'float16' | 'float32'; policy: () => LossScalePolicy; record: boolean; float16Kernels?: t.Float16Kernels }

const METHODS: Method[] = [
  { name: 'float32', precision: 'float32', policy: () => noScaling(), record: false },
  { name: 'fp16 static 128', precision: 'float16', policy: () => staticScaling({ scale: 128 }), record: false },
  { name: 'fp16 dynamic', precision: 'float16', policy: () => dynamicScaling(), record: false },
  { name: 'fp16 adaptive F=1', precision: 'float16', policy: () => adaptiveScaling(), record: false },
  { name: 'fp16 adaptive F=100', precision: 'float16', policy: () => adaptiveScaling({ updateEvery: 100 }), record: false },
  { name: 'fp16 adaptive F=1 + recording', precision: 'float16', policy: () => adaptiveScaling(), record: true },
  ...(withPortable ? [{ name: 'fp16 static 128, portable kernels', precision: 'float16', policy: () => staticScaling({ scale: 128 }), record: false, float16Kernels: 'portable' } as const] : []),
];

/** Selects the float16 kernels `method` names (outside the timed step). */
async function useKernelsOf(method: Method): Promise<void> {
  await t.setBackend('cpu', { float16Kernels: method.float16Kernels ?? 'host' });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Row {
  model: string;
  method: string;
  medianStepMs: number;
  vsStatic: number;
  vsFloat32: number;
}

async function benchModel(name: string): Promise<Row[]> {
  const spec = MODELS[name];
  if (!spec) throw new Error(`unknown model ${name}; known: ${Object.keys(MODELS).join(', ')}`);
  const runs = METHODS.map((m) => {
    const model = spec.build();
    const optimizer = t.optim.sgd({ lr: 0.01, momentum: 0.9 });
    const trainer = new MixedPrecisionTrainer(model, optimizer, { precision: m.precision, policy: m.policy(), recordEvery: m.record ? 1 : 0 });
    return { method: m, model, optimizer, trainer, times: [] as number[] };
  });
  const x = t.rand([128, ...spec.inputShape], { seed: 2 });
  const labels = Int32Array.from({ length: 128 }, (_, i) => i % 10);
  try {
    // Warm-up: kernel compilation.
    for (const r of runs) {
      await useKernelsOf(r.method);
      await r.trainer.step(x, labels);
    }
    for (let s = 0; s < steps; s++) {
      for (const r of runs) {
        await useKernelsOf(r.method);
        const start = performance.now();
        await r.trainer.step(x, labels);
        r.times.push(performance.now() - start);
      }
    }
  } finally {
    x.dispose();
  }
  const ms = new Map(runs.map((r) => [r.method.name, median(r.times)]));
  for (const r of runs) {
    r.trainer.dispose();
    r.optimizer.dispose();
    r.model.dispose();
  }
  return METHODS.map((m) => ({ model: name, method: m.name, medianStepMs: ms.get(m.name)!, vsStatic: ms.get(m.name)! / ms.get('fp16 static 128')!, vsFloat32: ms.get(m.name)! / ms.get('float32')! }));
}

await t.setBackend('cpu');
const loadAtStart = loadavg();
const rows: Row[] = [];
for (const m of models) rows.push(...(await benchModel(m)));
const header = ['model', 'method', 'median ms/step', '× static', '× float32'];
const table = [header, ...rows.map((r) => [r.model, r.method, r.medianStepMs.toFixed(1), r.vsStatic.toFixed(2), r.vsFloat32.toFixed(2)])];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
for (const row of table) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
// Other model lists get their own file, so the default comparison's results are not replaced.
const out = join(BENCH_DIR, 'results', quick ? 'overhead.quick.json' : models.join(',') === 'mnist-fc,lenet5' ? 'overhead.json' : `overhead.${models.join('+')}.json`);
const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: { start: loadAtStart, end: loadavg() } };
await writeFile(out, `${JSON.stringify({ date: new Date().toISOString(), backend: 'cpu', batch: 128, steps, machine, rows }, null, 2)}\n`);
console.log(`load average (1, 5, 15 min): ${loadAtStart.map((l) => l.toFixed(1)).join(' ')} at the start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
console.log(`wrote ${out}`);
