// The comparison table of the paper run: paper | ours | same setting? | verdict.
import { METHOD_LABEL, TARGETS, type PaperMethod } from './settings';
import type { DfaPaperResults } from './run';

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
  const sameSetting = 'same network and data; optimizer, lr, init and stopping are ours (not published in the spec); no dropout';
  const lines = [
    '| MNIST 784-800-800-10 tanh | paper test error % (Nøkland, unverified) | ours test error % (at best validation epoch) | train error % there | same setting? | verdict |',
    '|---|---|---|---|---|---|',
  ];
  for (const m of ['bp', 'dfa', 'bdfa'] as const) {
    const b = best(m);
    const paper = results.paper.testErrorPercent[m];
    const verdict = !b ? 'not run' : paper === null ? `no paper number; ${status(m)}` : `${(b.testErrorPercent - paper >= 0 ? '+' : '') + (b.testErrorPercent - paper).toFixed(2)} pts vs paper; ${status(m)}`;
    lines.push(`| ${METHOD_LABEL[m]} | ${f(paper)} | ${f(b?.testErrorPercent)} | ${f(b?.trainErrorPercent)} | ${sameSetting} | ${verdict} |`);
  }
  const gap = (a: PaperMethod, b: PaperMethod, target: number, paperGap: number | null) => {
    const x = best(a);
    const y = best(b);
    if (!x || !y) return `| ${METHOD_LABEL[a]} − ${METHOD_LABEL[b]} | ${f(paperGap)} | — | | | not run |`;
    const d = x.testErrorPercent - y.testErrorPercent;
    return `| ${METHOD_LABEL[a]} − ${METHOD_LABEL[b]} (pts) | ${f(paperGap)} | ${d.toFixed(2)} | | target ≤ ${target} | ${d <= target ? 'met' : 'missed'} |`;
  };
  lines.push(gap('dfa', 'bp', TARGETS.dfaVsBp, 0.14), gap('bdfa', 'dfa', TARGETS.bdfaVsDfa, null));
  return lines.join('\n');
}
