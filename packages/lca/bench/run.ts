/**
 * Benchmark of @nnlab/lca: (1) LCA overhead — time per training iteration with online Simpson
 * LCA on a fixed evaluation set, divided by the time of the plain step plus the gradient
 * evaluations it needs (1.0 = no cost beyond those gradients) — and memory online vs offline;
 * (2) the reference's float64 numerical check (conservation of Simpson vs first order).
 *
 * Run from the package folder: `pnpm bench` (`tsx bench/run.ts`). Prints tables and writes
 * `bench/results/lca.json`. Options: `--quick` (few iterations; writes `lca.quick.json`),
 * `--models=mnist-fc,lenet5`, `--iterations=N`, `--examples=N`, `--no-reference`.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import { mlp } from '../src/testing/models.test-helper';
import { measureOverhead, type OverheadResult } from './overhead';
import { referenceCheck, type ReferenceRow } from './reference-check';
import { machineInfo, mib, textTable } from '../../../scripts/bench-report';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

const MODELS: Record<string, { build: () => t.nn.Module; inputShape: number[] }> = {
  'mnist-fc': { build: () => mlp([784, 100, 50, 10], 1), inputShape: [784] },
  lenet5: { build: () => t.nn.lenet5({ seed: 1 }), inputShape: [1, 28, 28] },
};

function parseArgs(argv: readonly string[]) {
  const args = { quick: false, models: ['mnist-fc'], iterations: 0, examples: 2000, reference: true };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--no-reference') args.reference = false;
    else if (a.startsWith('--models=')) args.models = a.slice(9).split(',').filter(Boolean);
    else if (a.startsWith('--iterations=')) args.iterations = Number(a.slice(13));
    else if (a.startsWith('--examples=')) args.examples = Number(a.slice(11));
    else throw new Error(`bench: unknown option ${a} (expected --quick, --models=…, --iterations=N, --examples=N, --no-reference)`);
  }
  for (const m of args.models) if (!MODELS[m]) throw new Error(`bench: unknown model ${m} (have ${Object.keys(MODELS).join(', ')})`);
  if (!args.iterations) args.iterations = args.quick ? 4 : 20;
  return args;
}

function slice(split: t.train.LabeledData, count: number): t.train.LabeledData {
  const size = split.shape.reduce((a, b) => a * b, 1);
  return { images: split.images.subarray(0, count * size), labels: split.labels.subarray(0, count), count, shape: split.shape };
}

const log = (msg: string) => process.stdout.write(`${msg}\n`);

const args = parseArgs(process.argv.slice(2));
const backend = await t.setBackend('cpu');
const machine = machineInfo(backend);
log(`@nnlab/lca benchmark on ${backend} (${machine.cores} cores, ${machine.cpu}, load ${Number(machine.loadavg1AtStart).toFixed(2)})`);
const mnist = await loadMnist();
const train = slice(mnist.train, 55_000);
const evaluation = slice(mnist.train, args.examples);

const overhead: OverheadResult[] = [];
for (const name of args.models) {
  overhead.push(await measureOverhead({ name, ...MODELS[name], train, evaluation, iterations: args.iterations, log }));
}
log('\nLCA overhead: online Simpson (n = 2) iteration / (plain step + evaluations × one full-set gradient), cpu backend, batch 250');
log(
  textTable(
    ['model', 'P', 'eval set', 'step ms', 'grad ms', 'evals/iter', 'LCA iter ms', 'overhead', 'offline iter ms'],
    overhead.map((r) => [r.model, String(r.parameters), String(r.evaluationExamples), r.stepMs.toFixed(1), r.gradientMs.toFixed(1), String(r.evaluationsPerIteration), r.onlineIterationMs.toFixed(1), r.overhead.toFixed(3), r.offlineIterationMs.toFixed(1)]),
  ),
);
log(`\nMemory for T = ${args.iterations} iterations (host bytes held by LCA; the trajectory file is on disk)`);
log(
  textTable(
    ['model', 'online (all series)', 'online (totals only)', 'offline: file on disk', 'offline: per iteration', 'offline: run in memory', 'full A matrix T×P'],
    overhead.map((r) => [r.model, mib(r.memory.onlineBytes), mib(r.memory.onlineNoSeriesBytes), mib(r.memory.offlineFileBytes), mib(r.memory.perIterationFileBytes), mib(r.memory.offlineRunBytes), mib(r.memory.fullMatrixBytes)]),
  ),
);

const reference: ReferenceRow[] = [];
if (args.reference) {
  const steps = args.quick ? 40 : 400;
  for (const lr of [0.1, 0.01]) reference.push(await referenceCheck(lr, steps));
  log(`\nFloat64 check (2000 samples, MLP 20-32-16-3, ${steps} steps, batch 50, momentum 0.9, LCA on all samples)`);
  log(
    textTable(
      ['lr', 'ΔL', 'first-order rel. error', 'Simpson rel. error', 'helping (moved)', 'helping (all P)', 'reference'],
      reference.map((r) => [
        String(r.lr),
        r.lossChange.toFixed(4),
        `${(100 * r.firstOrderError).toPrecision(3)}%`,
        `${(100 * r.simpsonError).toPrecision(3)}%`,
        r.fractionHelpingMoved.toFixed(3),
        r.fractionHelpingAll.toFixed(3),
        r.lr === 0.1 ? '211% / 0.13% / 0.525' : '10.2% / 0.0015% / 0.65',
      ]),
    ),
  );
}

const out = join(BENCH_DIR, 'results', args.quick ? 'lca.quick.json' : 'lca.json');
await writeFile(out, `${JSON.stringify({ machine, args, overhead, reference }, null, 2)}\n`);
log(`\nwrote ${out}`);
