// The comparison table of the CIFAR-10 run: paper | ours | same setting? | verdict, for the full
// training set and the 10% subset, and the gap checks against the targets.
import { CIFAR_FULL_SETTINGS, CIFAR_METHOD_LABEL, CIFAR_TARGETS, HAN_YOO_CIFAR, type CifarMethod, type CifarPaperSettings } from './cifar';
import { bestWithin, f, methodStatus } from './report';
import type { PaperResults } from './run';

/** A CIFAR-10 results file. */
export type CifarPaperResults = PaperResults<CifarMethod, CifarPaperSettings, typeof HAN_YOO_CIFAR>;

const METHODS: CifarMethod[] = ['bp', 'dfa', 'hybrid', 'bhybrid'];

/** The methods a run trains, in table order. */
const trainedMethods = (r: CifarPaperResults) => METHODS.filter((m) => r.settings.methods.includes(m));

const dataLabel = (r: CifarPaperResults) =>
  `${r.settings.trainFraction === 1 ? 'full' : `${Math.round(r.settings.trainFraction * 100)}%`}${r.settings.lr === CIFAR_FULL_SETTINGS.lr ? '' : `, lr ${r.settings.lr}`}`;

/** One row per method and data set, then the gaps (each over the epochs every method of its run has finished). */
export function cifarPaperTable(runs: readonly CifarPaperResults[]): string {
  const sameSetting = 'no: the paper’s network and settings are unpublished; ours: smallCifarCnn, SGD + momentum, fixed schedule, no augmentation';
  const lines = [
    '| CIFAR-10 training images | method | paper test error % (Han & Yoo) | Nøkland conv tanh net % (full data, other net, unverified) | ours test error % (at best validation epoch) | train error % there | same setting? | status |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of runs) {
    for (const m of trainedMethods(r)) {
      const b = r.methods[m]?.best ?? null;
      const full = r.settings.trainFraction === 1;
      const nokland = !full ? null : m === 'bp' ? HAN_YOO_CIFAR.nokland.bp : m === 'dfa' ? HAN_YOO_CIFAR.nokland.dfa : null;
      lines.push(`| ${dataLabel(r)} | ${CIFAR_METHOD_LABEL[m]} | ${f(r.paper.testErrorPercent[m])} | ${f(nokland)} | ${f(b?.testErrorPercent)} | ${f(b?.trainErrorPercent)} | ${sameSetting} | ${methodStatus(r.methods[m])} |`);
    }
  }
  lines.push('', '| gap (test error points, ours) | data | ours | target | verdict |', '|---|---|---|---|---|');
  for (const r of runs) {
    const trained = trainedMethods(r);
    const common = Math.min(...trained.map((m) => r.methods[m]?.epochs.length ?? 0));
    const converged = trained.every((m) => r.methods[m]?.stopped);
    // Finished runs compare each method at its own best validation epoch, unfinished ones over the common epochs.
    const horizon = converged ? Infinity : common;
    const when = converged ? 'all methods finished' : `over the first ${common} epochs of each, runs unfinished`;
    const gap = (a: CifarMethod, b: CifarMethod, target: number | null, expectation: string) => {
      const x = bestWithin(r.methods[a], horizon);
      const y = bestWithin(r.methods[b], horizon);
      const label = `${CIFAR_METHOD_LABEL[a]} − ${CIFAR_METHOD_LABEL[b]}`;
      if (!x || !y) return `| ${label} | ${dataLabel(r)} | — | ${expectation} | not run |`;
      const d = x.testErrorPercent - y.testErrorPercent;
      const verdict = target === null ? when : `${d <= target ? 'met' : 'missed'} (${when})`;
      return `| ${label} | ${dataLabel(r)} | ${(d >= 0 ? '+' : '') + d.toFixed(2)} | ${expectation} | ${verdict} |`;
    };
    const full = r.settings.trainFraction === 1;
    lines.push(
      full ? gap('hybrid', 'bp', CIFAR_TARGETS.hybridVsBpFull, `≤ ${CIFAR_TARGETS.hybridVsBpFull} (project target)`) : gap('hybrid', 'bp', CIFAR_TARGETS.hybridVsBpSubset, '≤ 0 (Han & Yoo: hybrid ≥ BP on small data)'),
      gap('bhybrid', 'bp', null, full ? 'report only' : 'report only (Han & Yoo: binary DFA also beats BP on small data)'),
      ...(trained.includes('dfa') ? [gap('dfa', 'bp', null, 'several points worse expected (spec; Nøkland conv net: +4.4)')] : []),
    );
  }
  return lines.join('\n');
}
