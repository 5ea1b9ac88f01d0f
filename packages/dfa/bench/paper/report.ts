// The comparison table of the paper run: paper | ours | same setting? | verdict.
import { METHOD_LABEL, TARGETS, type PaperMethod } from './settings';
import type { DfaPaperResults, EpochResult } from './run';

const f = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(2));

/** Markdown rows, one per method, plus the two gap checks against the targets. */
export function paperTable(results: DfaPaperResults): string {
  const best = (m: PaperMethod) => results.methods[m]?.best ?? null;
  const status = (m: PaperMethod) => {
    const r = results.methods[m];
    if (!r || r.epochs.length === 0) return 'not run';
    const n = r.epochs.length;
    return r.stopped === 'patience' ? `stopped by validation after ${n} epochs (best ${r.best!.epoch})` : `${n} epochs run (best validation at ${r.best!.epoch})${r.stopped ? '' : ', not converged: resumable'}`;
  };
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
  // Gaps compare the methods over the same number of epochs (the fewest any of them has run).
  const common = Math.min(...(['bp', 'dfa', 'bdfa'] as const).map((m) => results.methods[m]?.epochs.length ?? 0));
  const converged = (['bp', 'dfa', 'bdfa'] as const).every((m) => results.methods[m]?.stopped === 'patience');
  const bestWithin = (m: PaperMethod) => (results.methods[m]?.epochs.slice(0, common) ?? []).reduce<EpochResult | null>((b, e) => (!b || e.validationErrorPercent < b.validationErrorPercent ? e : b), null);
  const gap = (a: PaperMethod, b: PaperMethod, target: number, paperGap: number | null) => {
    const x = bestWithin(a);
    const y = bestWithin(b);
    if (!x || !y) return `| ${METHOD_LABEL[a]} − ${METHOD_LABEL[b]} (pts) | ${f(paperGap)} | — | | | not run |`;
    const d = x.testErrorPercent - y.testErrorPercent;
    const when = converged ? 'at convergence' : `over the first ${common} epochs of each, not at convergence`;
    return `| ${METHOD_LABEL[a]} − ${METHOD_LABEL[b]} (pts) | ${f(paperGap)} | ${d.toFixed(2)} | | target ≤ ${target} | ${d <= target ? 'met' : 'missed'} ${when} |`;
  };
  lines.push(gap('dfa', 'bp', TARGETS.dfaVsBp, 0.14), gap('bdfa', 'dfa', TARGETS.bdfaVsDfa, null));
  return lines.join('\n');
}

/** Per method and epoch: test error and the mean alignment cos(ΔW_DFA, ΔW_BP) of each hidden layer over the epoch's measurements. */
export function curveTable(results: DfaPaperResults): string {
  const lines = ['| method | epoch | train error % | validation error % | test error % | alignment layer 1 | alignment layer 2 | s training | load (1 min) |', '|---|---|---|---|---|---|---|---|---|'];
  for (const m of ['bp', 'dfa', 'bdfa'] as const) {
    const r = results.methods[m];
    if (!r) continue;
    for (const e of r.epochs) {
      const inEpoch = r.alignment.filter((a) => a.epoch >= e.epoch - 1 && a.epoch < e.epoch);
      const mean = (layer: number) => (inEpoch.length ? (inEpoch.reduce((s, a) => s + a.layers[layer].weightCosine, 0) / inEpoch.length).toFixed(2) : '—');
      lines.push(`| ${METHOD_LABEL[m]} | ${e.epoch} | ${f(e.trainErrorPercent)} | ${f(e.validationErrorPercent)} | ${f(e.testErrorPercent)} | ${mean(0)} | ${mean(1)} | ${e.trainSeconds.toFixed(0)} | ${e.load[0]} |`);
    }
  }
  return lines.join('\n');
}
