/**
 * Trains the shipped GNN: imitation of strong branching on generated subproblems of small random
 * networks (seeded), then writes `src/gnn/pretrained-weights.json` and reports GNN vs BaBSR branch counts on
 * unseen problems (other seeds) in `bench/results/gnn.json`.
 *
 * Run from the package folder: `tsx bench/train-gnn.ts [--problems=N] [--eval=N] [--epochs=N] [--seed=S]`;
 * `--eval-only` skips training and evaluates the shipped weights.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as t from '@nnlab/tensor-gpu';
import { BranchingGnn, PRETRAINED_GNN, loadPretrainedGnn, type BranchingRun, collectStrongBranchingSamples, compareBranching, createBabsr, createGnnBranching, generateProblems, saveGnnWeights, top1Agreement, trainGnn } from '../src/index';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

function arg(name: string, fallback: number): number {
  const a = process.argv.find((s) => s.startsWith(`--${name}=`));
  const v = a ? Number(a.slice(name.length + 3)) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`train-gnn: --${name} must be a number ≥ 0`);
  return v;
}

await t.setBackend('cpu');
const seed = arg('seed', 1);
const problems = arg('problems', 24);
const evalCount = arg('eval', 12);
const epochs = arg('epochs', 40);
const sizes = [4, 12, 12, 2];
const evalOnly = process.argv.includes('--eval-only');
const t0 = performance.now();
let model: BranchingGnn;
let losses: number[] = [];
let trainDecisions = PRETRAINED_GNN.note ?? '';
if (evalOnly) {
  model = loadPretrainedGnn();
} else {
  const train = await generateProblems(problems, { seed, sizes });
  const samples = await collectStrongBranchingSamples(train, { decisionsPerProblem: 8 });
  console.log(`${samples.length} strong-branching decisions from ${problems} problems (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  model = new BranchingGnn({ embedding: 16, rounds: 2 }, seed);
  losses = await trainGnn(model, samples, { epochs, seed, onEpoch: (e, loss, top1) => console.log(`epoch ${e}: loss ${loss.toFixed(4)}, top-1 agreement with strong branching ${top1.toFixed(3)}`) });
  const weights = await saveGnnWeights(model, `bench/train-gnn.ts: seed ${seed}, ${problems} problems of sizes ${sizes.join('-')}, ${samples.length} decisions, ${epochs} epochs`);
  trainDecisions = weights.note ?? '';
  await writeFile(join(BENCH_DIR, '..', 'src', 'gnn', 'pretrained-weights.json'), `${JSON.stringify(weights)}\n`);
}

// Unseen problems: other seeds (and a wider box: harder).
const test = await generateProblems(evalCount, { seed: seed + 1000, sizes });
const testSamples = await collectStrongBranchingSamples(test.slice(0, 4), { decisionsPerProblem: 8 });
const agreement = await top1Agreement(model, testSamples);
const rows: (BranchingRun & { property: number })[] = [];
for (const [i, p] of test.entries()) {
  const r = await compareBranching(p.net, [p.spec], [() => createBabsr(), () => createGnnBranching(model)], { timeout: 60, attack: { restarts: 2, steps: 10 } });
  rows.push(...r.map((x) => ({ ...x, property: i })));
  console.log(r.map((x) => `#${i} ${x.rule}: ${x.status}, ${x.branches} branches, ${x.boundCalls} bound calls, ${(x.timeMs / 1000).toFixed(1)} s`).join(' | '));
}
const decided = (s: string) => s === 'holds' || s === 'violated';
const both = test.map((_, i) => i).filter((i) => rows.filter((r) => r.property === i).every((r) => decided(r.status)));
const mean = (rule: string, key: 'branches' | 'timeMs' | 'boundCalls') => both.reduce((a, i) => a + rows.find((r) => r.property === i && r.rule === rule)![key], 0) / Math.max(1, both.length);
const summary = {
  training: trainDecisions,
  finalLoss: losses.length ? losses[losses.length - 1] : null,
  unseenTop1Agreement: agreement,
  unseenProblemsDecidedByBoth: both.length,
  meanBranches: { babsr: mean('babsr', 'branches'), gnn: mean('gnn', 'branches') },
  meanBoundCalls: { babsr: mean('babsr', 'boundCalls'), gnn: mean('gnn', 'boundCalls') },
  meanTimeMs: { babsr: mean('babsr', 'timeMs'), gnn: mean('gnn', 'timeMs') },
  branchRatio: mean('gnn', 'branches') / mean('babsr', 'branches'),
  paperBranchRatio: '0.42–0.48',
};
console.log(JSON.stringify(summary, null, 1));
await writeFile(join(BENCH_DIR, 'results', evalOnly ? 'gnn-eval.json' : 'gnn.json'), `${JSON.stringify({ seed, sizes, summary, losses, rows }, null, 1)}\n`);
model.dispose();
