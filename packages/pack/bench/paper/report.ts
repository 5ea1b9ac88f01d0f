// Tables of the pack paper run: paper | ours | same setting? | verdict.
import type { PackPaperResults } from './run';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function stepTable(results: PackPaperResults): string {
  const lines = [
    '| model | K | Σ sequential ms | packed ms | improvement (wall) | improvement (process CPU time) | paper, CPU (TensorFlow) | same setting? | verdict |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { architecture, rows } of results.stepTimes) {
    // K = 1 runs the same work on both sides: its |improvement| is how much the load alone moves a row.
    const k1 = rows.find((r) => r.k === 1);
    const noise = k1 ? Math.abs(k1.improvement) : 0;
    const family = architecture.startsWith('mlp') ? 'MLP' : 'ResNet';
    for (const r of rows) {
      const paper = results.paper.cpuImprovementPercent[family]?.[r.k];
      const cpuImprovement = 1 - 1 / r.cpuSpeedup;
      const versus = paper === undefined ? 'no paper value' : `${r.improvement * 100 >= paper ? 'at or above' : 'below'} the paper's ${paper}%`;
      const verdict = r.k === 1 ? `noise floor ±${pct(noise)}` : Math.abs(r.improvement) <= noise ? `within the noise floor (±${pct(noise)}); ${versus}` : versus;
      lines.push(`| ${architecture} | ${r.k} | ${r.sequentialMs.toFixed(1)} | ${r.packedMs.toFixed(1)} | ${pct(r.improvement)} | ${pct(cpuImprovement)} | ${paper === undefined ? '—' : `${paper}%${family === 'ResNet' ? ' (ResNet; ours LeNet-5)' : ''}`} | ${r.k === 1 ? '' : 'batch 64, same model K times; paper: TensorFlow graph with concurrent ops, model and batch not stated'} | ${verdict} |`);
    }
  }
  return lines.join('\n');
}

export function hyperbandTable(results: PackPaperResults): string {
  // Each search is compared with the original search of its own round.
  const originalOf = (search: string) => results.hyperband.find((h) => h.search === (search.match(/ \(round \d+\)$/) ? `original${search.match(/ \(round \d+\)$/)![0]}` : 'original'));
  const lines = [
    '| search | trainings | epochs | jobs | wall s | time to best s | best validation accuracy | load (1 min) at the end | original / this | paper | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const h of results.hyperband) {
    const original = originalOf(h.search);
    const ratio = original ? original.wallSeconds / h.wallSeconds : NaN;
    const isOriginal = h === original;
    lines.push(`| ${h.search} | ${h.trainings} | ${h.epochs} | ${h.jobs} | ${h.wallSeconds.toFixed(1)} | ${h.timeToBestSeconds.toFixed(1)} | ${h.bestValidationAccuracy.toFixed(4)} | ${h.load[0]} | ${isOriginal ? '1' : `${ratio.toFixed(2)}×`} | ${isOriginal ? '' : `up to ${results.paper.hyperbandSpeedup}× (GPU; setup unpublished)`} | ${isOriginal ? '' : ratio >= results.paper.hyperbandSpeedup ? 'matches' : `not reproduced (${ratio.toFixed(2)}×)`} |`);
  }
  return lines.join('\n');
}
