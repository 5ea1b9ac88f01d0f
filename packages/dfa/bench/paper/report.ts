// The tables of the paper runs: paper | ours | same setting? | verdict (MNIST), and the per-epoch
// error and alignment curves of any paper run.
import { mean, standardError } from '../../../../scripts/bench-report';
import { METHOD_LABEL, TARGETS, type PaperMethod, type PaperRunSettings } from './settings';
import type { DfaPaperResults } from './mnist';
import type { EpochResult, MethodResults } from './run';

/** A number with two decimals, or — when absent. */
export const f = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(2));

/** How far a method got: stopped by validation or by divergence, ran its epochs, or still resumable. */
export function methodStatus(r: MethodResults | undefined): string {
  if (!r || r.epochs.length === 0) return 'not run';
  const n = r.epochs.length;
  if (r.stopped === 'diverged') {
    // A results file holds NaN as null.
    const first = r.epochs.find((e) => e.loss === null || !Number.isFinite(e.loss))?.epoch ?? n;
    return `diverged: training loss not finite from epoch ${first} (best validation at ${r.best!.epoch})`;
  }
  return r.stopped === 'patience' ? `stopped by validation after ${n} epochs (best ${r.best!.epoch})` : `${n} epochs run (best validation at ${r.best!.epoch})${r.stopped ? '' : ', not converged: resumable'}`;
}

/** The epoch of the lowest validation error among a method's first `epochs` epochs. */
export function bestWithin(r: MethodResults | undefined, epochs: number): EpochResult | null {
  return (r?.epochs.slice(0, epochs) ?? []).reduce<EpochResult | null>((b, e) => (!b || e.validationErrorPercent < b.validationErrorPercent ? e : b), null);
}

/** Markdown rows, one per method, plus the two gap checks against the targets. */
export function paperTable(results: DfaPaperResults): string {
  const best = (m: PaperMethod) => results.methods[m]?.best ?? null;
  const status = (m: PaperMethod) => methodStatus(results.methods[m]);
  const sameSetting = 'same network and data; optimizer, lr schedule, init and stopping are ours (not published in the spec); no dropout';
  const lines = [
    `| MNIST ${[784, ...Array<number>(results.settings.depth ?? 2).fill(results.settings.hidden), 10].join('-')} tanh | paper test error % (Nøkland, unverified) | ours test error % (at best validation epoch) | train error % there | ours at the last epoch run | same setting? | verdict |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const m of ['bp', 'dfa', 'bdfa'] as const) {
    const b = best(m);
    const paper = results.paper.testErrorPercent[m];
    const verdict = !b ? 'not run' : paper === null ? `no paper number; ${status(m)}` : `${(b.testErrorPercent - paper >= 0 ? '+' : '') + (b.testErrorPercent - paper).toFixed(2)} pts vs paper; ${status(m)}`;
    const last = results.methods[m]?.epochs.at(-1);
    lines.push(`| ${METHOD_LABEL[m]} | ${f(paper)} | ${f(b?.testErrorPercent)} | ${f(b?.trainErrorPercent)} | ${last ? `${f(last.testErrorPercent)} (epoch ${last.epoch})` : '—'} | ${sameSetting} | ${verdict} |`);
  }
  // Unfinished runs are compared over the same number of epochs (the fewest any of them has run);
  // finished ones at each method's own best validation epoch.
  const trained = results.settings.methods;
  const common = Math.min(...trained.map((m) => results.methods[m]?.epochs.length ?? 0));
  const converged = trained.every((m) => results.methods[m]?.stopped === 'patience');
  const horizon = converged ? Infinity : common;
  const gap = (a: PaperMethod, b: PaperMethod, target: number, paperGap: number | null) => {
    const x = bestWithin(results.methods[a], horizon);
    const y = bestWithin(results.methods[b], horizon);
    if (!x || !y) return `| ${METHOD_LABEL[a]} − ${METHOD_LABEL[b]} (pts) | ${f(paperGap)} | — | | | not run |`;
    const d = x.testErrorPercent - y.testErrorPercent;
    const when = converged ? 'at convergence' : `over the first ${common} epochs of each, not at convergence`;
    return `| ${METHOD_LABEL[a]} − ${METHOD_LABEL[b]} (pts) | ${f(paperGap)} | ${d.toFixed(2)} | | target ≤ ${target} | ${d <= target ? 'met' : 'missed'} ${when} |`;
  };
  const published = results.paper.testErrorPercent;
  const paperGap = (a: PaperMethod, b: PaperMethod) => (published[a] === null || published[b] === null ? null : published[a]! - published[b]!);
  lines.push(gap('dfa', 'bp', TARGETS.dfaVsBp, paperGap('dfa', 'bp')), gap('bdfa', 'dfa', TARGETS.bdfaVsDfa, paperGap('bdfa', 'dfa')));
  return lines.join('\n');
}

/**
 * Per method and epoch: errors and the mean alignment cos(ΔW_rule, ΔW_BP) of each hidden layer
 * over the epoch's measurements, and where the records have it the mean step ratio
 * ‖ΔW_rule‖ / ‖ΔW_BP‖ (methods in `labels`' order; layers named `layerNames`, default "layer 1",
 * "layer 2", …).
 */
export function curveTable<M extends string>(
  results: { methods: Partial<Record<M, MethodResults>> },
  labels: Record<M, string> = METHOD_LABEL as Record<M, string>,
  layerNames?: readonly string[],
): string {
  const methods = Object.keys(labels) as M[];
  const records = methods.flatMap((m) => results.methods[m]?.alignment ?? []);
  const layerCount = Math.max(0, ...records.map((a) => a.layers.length));
  const withRatio = records.some((a) => a.layers.some((l) => l.normRatio !== undefined));
  const names = Array.from({ length: layerCount }, (_, i) => layerNames?.[i] ?? `layer ${i + 1}`);
  const columns = [...names.map((n) => `alignment ${n}`), ...(withRatio ? names.map((n) => `step ratio ${n}`) : [])];
  const lines = [
    `| method | epoch | train error % | validation error % | test error % | ${columns.join(' | ')} | s training | load (1 min) |`,
    `|---|---|---|---|---|${columns.map(() => '---|').join('')}---|---|`,
  ];
  for (const m of methods) {
    const r = results.methods[m];
    if (!r) continue;
    for (const e of r.epochs) {
      const inEpoch = r.alignment.filter((a) => a.epoch >= e.epoch - 1 && a.epoch < e.epoch);
      const mean = (layer: number, value: (l: MethodResults['alignment'][number]['layers'][number]) => number | undefined) => {
        const values = inEpoch.map((a) => value(a.layers[layer])).filter((v): v is number => v !== undefined);
        return values.length ? (values.reduce((s, v) => s + v, 0) / values.length).toFixed(2) : '—';
      };
      const cells = [...names.map((_, i) => mean(i, (l) => l.weightCosine)), ...(withRatio ? names.map((_, i) => mean(i, (l) => l.normRatio)) : [])];
      lines.push(`| ${labels[m]} | ${e.epoch} | ${f(e.trainErrorPercent)} | ${f(e.validationErrorPercent)} | ${f(e.testErrorPercent)} | ${cells.join(' | ')} | ${e.trainSeconds.toFixed(0)} | ${e.load[0]} |`);
    }
  }
  return lines.join('\n');
}

/** Which gap a seed table reports: `method` − `baseline` in test error points, against `target` when there is one. */
export interface SeedComparison<M extends string> {
  method: M;
  baseline: M;
  labels: Record<M, string>;
  target?: number;
}

/**
 * One row per seed (a run's results file per seed): each of the two methods' test error at its best
 * validation epoch and at its last epoch, the gap of both, then their means over the seeds whose two
 * methods have finished (stopped by validation, by their epochs or by divergence), with
 * the standard error of the best-epoch gap's mean.
 */
export function seedTable<M extends string>(
  runs: readonly { seed: number; results: { settings: PaperRunSettings<M>; methods: Partial<Record<M, MethodResults>> } }[],
  { method, baseline, labels, target }: SeedComparison<M>,
): string {
  const [a, b] = [labels[method], labels[baseline]];
  const lines = [
    `| seed (weights, feedback, data) | ${b} test % (best val. epoch) | ${a} test % (best val. epoch) | ${a} − ${b} (pts) | ${b} test % (last epoch) | ${a} test % (last epoch) | ${a} − ${b}, last epochs | status |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  const gaps: { best: number; last: number }[] = [];
  for (const { seed, results } of runs) {
    const base = results.methods[baseline];
    const other = results.methods[method];
    const finished = Boolean(base?.stopped && other?.stopped);
    const s = results.settings;
    const bestGap = base?.best && other?.best ? other.best.testErrorPercent - base.best.testErrorPercent : null;
    const lastBase = base?.epochs.at(-1);
    const lastOther = other?.epochs.at(-1);
    const lastGap = lastBase && lastOther ? lastOther.testErrorPercent - lastBase.testErrorPercent : null;
    if (finished && bestGap !== null && lastGap !== null) gaps.push({ best: bestGap, last: lastGap });
    const status = finished ? `${b}: ${methodStatus(base)}; ${a}: ${methodStatus(other)}` : `running: ${b} ${base?.epochs.length ?? 0}, ${a} ${other?.epochs.length ?? 0} epochs`;
    lines.push(`| ${seed} (${s.modelSeed}, ${s.feedbackSeed}, ${s.dataSeed}) | ${f(base?.best?.testErrorPercent)} (${base?.best?.epoch ?? '—'}) | ${f(other?.best?.testErrorPercent)} (${other?.best?.epoch ?? '—'}) | ${f(bestGap)} | ${f(lastBase?.testErrorPercent)} | ${f(lastOther?.testErrorPercent)} | ${f(lastGap)} | ${status} |`);
  }
  if (gaps.length > 0) {
    const best = mean(gaps.map((g) => g.best));
    const verdict = target === undefined ? '' : ` (target ≤ ${target}: ${best <= target ? 'met' : 'missed'})`;
    const se = gaps.length > 1 ? ` (s.e. ${standardError(gaps.map((g) => g.best)).toFixed(2)})` : '';
    lines.push(`| **mean of ${gaps.length} finished** | | | **${best.toFixed(2)}**${se}${verdict} | | | ${mean(gaps.map((g) => g.last)).toFixed(2)} | |`);
  }
  return lines.join('\n');
}
