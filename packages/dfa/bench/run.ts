/**
 * Benchmark of @nnlab/dfa: what binary feedback saves. (1) The projection e·B_lᵀ alone, for the
 * layer shapes of the experiments and larger ones: float matmul on the ±c matrix vs the
 * multiplication-free sign path (median ms, multiplications and additions counted). (2) Whole
 * training steps of the 784-800-800-10 tanh MLP with BP, DFA and binary DFA (sign kernel and
 * float matmul), which shows how much of a step the projection is.
 *
 * Run from the package folder: `pnpm bench` (`tsx bench/run.ts`). Prints tables and writes
 * `bench/results/dfa.json` (`--quick`: fewer repeats, writes `dfa.quick.json`).
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { createDfa, measureProjectionCost, type ProjectionCost } from '../src/index';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const log = (msg: string) => process.stdout.write(`${msg}\n`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const quick = process.argv.includes('--quick');
for (const a of process.argv.slice(2)) if (a !== '--quick') throw new Error(`bench: unknown option ${a} (expected --quick)`);
const backend = await t.setBackend('cpu');
const load = loadavg()[0];
log(`@nnlab/dfa benchmark on ${backend} (${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}, load ${load.toFixed(2)})`);

// (1) Projection only.
const shapes = [
  { rows: 800, classes: 10, batch: 64 },
  { rows: 800, classes: 10, batch: 128 },
  { rows: 4096, classes: 10, batch: 128 },
  { rows: 2048, classes: 100, batch: 128 },
  { rows: 1024, classes: 1000, batch: 32 },
];
const projection: ProjectionCost[] = [];
for (const s of shapes) projection.push(await measureProjectionCost({ ...s, repeats: quick ? 3 : 30 }));
log('\nProjection e·B_lᵀ with binary B (±c): float matmul vs sign-select-and-add (median of repeats; cpu kernels are synchronous, no read-back timed)');
log(table(
  ['rows×C', 'batch', 'float ms', 'sign ms', 'speed-up', 'float mults', 'sign mults', 'float adds', 'sign adds', 'max rel diff'],
  projection.map((p) => [`${p.rows}×${p.classes}`, String(p.batch), p.floatMs.toFixed(3), p.signMs.toFixed(3), `${p.speedup.toFixed(2)}×`, String(p.floatMultiplies), String(p.signMultiplies), String(p.floatAdditions), String(p.signAdditions), p.maxRelativeDifference.toExponential(1)]),
));

// (2) Whole training steps.
interface StepRow { method: string; msPerStep: number }
const steps: StepRow[] = [];
const batch = 64;
const repeats = quick ? 2 : 10;
const x = t.rand([batch, 784], { seed: 1 });
const labels = Array.from({ length: batch }, (_, i) => i % 10);
for (const [method, options] of [
  ['BP', { rules: 'bp' as const }],
  ['DFA', { rules: 'dfa' as const }],
  ['BDFA (sign kernel)', { rules: 'dfa' as const, binary: true }],
  ['BDFA (float matmul)', { rules: 'dfa' as const, binary: true, signKernel: false }],
] as const) {
  const model = new t.nn.Sequential(new t.nn.Linear(784, 800, { seed: 1 }), new t.nn.Tanh(), new t.nn.Linear(800, 800, { seed: 2 }), new t.nn.Tanh(), new t.nn.Linear(800, 10, { seed: 3 }));
  const net = createDfa(model, { seed: 3, inputShape: [784], ...options });
  const optimizer = t.optim.sgd({ lr: 0.01, momentum: 0.9 });
  const samples: number[] = [];
  for (let r = 0; r <= repeats; r++) {
    const start = performance.now();
    const loss = net.step(x, labels, optimizer);
    await loss.data();
    loss.dispose();
    if (r > 0) samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  steps.push({ method, msPerStep: samples[Math.floor(samples.length / 2)] });
  optimizer.dispose();
  net.dispose();
  model.dispose();
}
x.dispose();
log(`\nTraining step, 784-800-800-10 tanh, batch ${batch} (median of ${repeats})`);
log(table(['method', 'ms/step', 'vs BP'], steps.map((s) => [s.method, s.msPerStep.toFixed(1), `${(s.msPerStep / steps[0].msPerStep).toFixed(2)}×`])));

const file = join(BENCH_DIR, 'results', quick ? 'dfa.quick.json' : 'dfa.json');
await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), backend, cores: cpus().length, loadAtStart: load, projection, steps }, null, 2)}\n`);
log(`\nwrote ${file}`);
