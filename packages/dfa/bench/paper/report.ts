// The tables of the paper runs: paper | ours | same setting? | verdict (MNIST), and the per-epoch
// error and alignment curves of any paper run.
import { mean } from '../../../../scripts/bench-report';
import { METHOD_LABEL, TARGETS, type PaperMethod } from './settings';
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
    '| MNIST 784-800-800-10 tanh | paper test error % (Nøkland, unverified) | ours test error % (at best validation epoch) | train error % there | ours at the last epoch run | same setting? | verdict |',
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
  lines.push(gap('dfa', 'bp', TARGETS.dfaVsBp, 0.14), gap('bdfa', 'dfa', TARGETS.bdfaVsDfa, null));
  return lines.join('\n');
}

/**
 * Per method and epoch: errors and the mean alignment cos(ΔW_rule, ΔW_BP) of each hidden layer
 * over the epoch's measurements (methods in `labels`' order; layers named `layerNames`, default
 * "layer 1", "layer 2", …).
 */
export function curveTable<M extends string>(
  results: { methods: Partial<Record<M, MethodResults>> },
  labels: Record<M, string> = METHOD_LABEL as Record<M, string>,
  layerNames?: readonly string[],
): string {
  const methods = Object.keys(labels) as M[];
  const layerCount = Math.max(0, ...methods.flatMap((m) => results.methods[m]?.alignment.map((a) => a.layers.length) ?? []));
  const names = Array.from({ length: layerCount }, (_, i) => layerNames?.[i] ?? `layer ${i + 1}`);
  const lines = [
    `| method | epoch | train error % | validation error % | test error % | ${names.map((n) => `alignment ${n}`).join(' | ')} | s training | load (1 min) |`,
    `|---|---|---|---|---|${names.map(() => '---|').join('')}---|---|`,
  ];
  for (const m of methods) {
    const r = results.methods[m];
    if (!r) continue;
    for (const e of r.epochs) {
      const inEpoch = r.alignment.filter((a) => a.epoch >= e.epoch - 1 && a.epoch < e.epoch);
      const mean = (layer: number) => (inEpoch.length ? (inEpoch.reduce((s, a) => s + a.layers[layer].weightCosine, 0) / inEpoch.length).toFixed(2) : '—');
      lines.push(`| ${labels[m]} | ${e.epoch} | ${f(e.trainErrorPercent)} | ${f(e.validationErrorPercent)} | ${f(e.testErrorPercent)} | ${names.map((_, i) => mean(i)).join(' | ')} | ${e.trainSeconds.toFixed(0)} | ${e.load[0]} |`);
    }
  }
  return lines.join('\n');
}

/**
 * One row per seed (the runs of `paper.json` and `paper.seedN.json`): each method's test error at
 * its best validation epoch and at its last epoch, the DFA − BP gap of both, then their means over
 * the seeds that finished both methods.
 */
export function seedTable(runs: readonly { seed: number; results: DfaPaperResults }[]): string {
  const lines = [
    '| seed (weights, feedback, data) | BP test % (best val. epoch) | DFA test % (best val. epoch) | DFA − BP (pts) | BP test % (last epoch) | DFA test % (last epoch) | DFA − BP, last epochs | status |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const gaps: { best: number; last: number }[] = [];
  for (const { seed, results } of runs) {
    const bp = results.methods.bp;
    const dfa = results.methods.dfa;
    const finished = bp?.stopped === 'patience' && dfa?.stopped === 'patience';
    const s = results.settings;
    const bestGap = bp?.best && dfa?.best ? dfa.best.testErrorPercent - bp.best.testErrorPercent : null;
    const lastBp = bp?.epochs.at(-1);
    const lastDfa = dfa?.epochs.at(-1);
    const lastGap = lastBp && lastDfa ? lastDfa.testErrorPercent - lastBp.testErrorPercent : null;
    if (finished && bestGap !== null && lastGap !== null) gaps.push({ best: bestGap, last: lastGap });
    const status = finished ? `both stopped by validation (BP after ${bp!.epochs.length}, DFA after ${dfa!.epochs.length} epochs)` : `running: BP ${bp?.epochs.length ?? 0}, DFA ${dfa?.epochs.length ?? 0} epochs`;
    lines.push(`| ${seed} (${s.modelSeed}, ${s.feedbackSeed}, ${s.dataSeed}) | ${f(bp?.best?.testErrorPercent)} (${bp?.best?.epoch ?? '—'}) | ${f(dfa?.best?.testErrorPercent)} (${dfa?.best?.epoch ?? '—'}) | ${f(bestGap)} | ${f(lastBp?.testErrorPercent)} | ${f(lastDfa?.testErrorPercent)} | ${f(lastGap)} | ${status} |`);
  }
  if (gaps.length > 0) {
    const best = mean(gaps.map((g) => g.best));
    lines.push(`| **mean of ${gaps.length} finished** | | | **${best.toFixed(2)}** (target ≤ ${TARGETS.dfaVsBp}: ${best <= TARGETS.dfaVsBp ? 'met' : 'missed'}) | | | ${mean(gaps.map((g) => g.last)).toFixed(2)} | |`);
  }
  return lines.join('\n');
}
