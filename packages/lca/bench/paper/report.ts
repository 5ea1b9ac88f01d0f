// Tables of the LCA paper run: per network the fraction helping, the approximation error, the
// per-layer totals (which layers hurt) and the peak synchronisation against its shuffled null,
// and paper | ours | same setting? | verdict.
import { peakSynchronization, type PeakSynchronization } from '../../src/index';
import type { LcaPaperResults, NetworkResults } from './run';
import { HELPING_BAND, PAPER_NETWORKS, type PaperNetwork } from './settings';

const LABEL: Record<PaperNetwork, string> = { lenet: 'LeNet, MNIST', resnet20: 'ResNet-20, CIFAR-10' };
const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);

/** The numbers the tables show for one network, derived from its concatenated series. */
export interface NetworkSummary {
  iterations: number;
  /** Mean over iterations of #{A[t, i] < 0} / P. */
  helpingAll: number;
  /** Same over the parameters that moved. */
  helpingMoved: number;
  /** Share of iterations in which more than half of all parameters helped. */
  iterationsOverHalf: number;
  /** |Σ_t Σ_i A − (L_T − L_0)| / |L_T − L_0| for Simpson (adaptive) and for first order. */
  conservationError: number;
  firstOrderError: number;
  lossChange: number;
  /** Layers with a positive total (hurt overall). */
  hurtingLayers: string[];
  peaks: PeakSynchronization | null;
}

export function summarize(r: NetworkResults): NetworkSummary {
  const P = r.parameterCount;
  const lossChange = r.losses[r.losses.length - 1] - r.losses[0];
  const peaks = r.layers.length >= 2 && r.iterationsDone >= 10 ? peakSynchronization(r.layers.map((l) => l.series), { shuffles: 1000, seed: 0 }) : null;
  return {
    iterations: r.iterationsDone,
    helpingAll: mean(r.helpingCounts) / P,
    helpingMoved: mean(r.helpingCounts.map((h, t) => h / Math.max(1, r.movedCounts[t]))),
    iterationsOverHalf: r.helpingCounts.filter((h) => h / P > 0.5).length / r.helpingCounts.length,
    conservationError: Math.abs(sum(r.lcaPerIteration) - lossChange) / Math.abs(lossChange),
    firstOrderError: Math.abs(sum(r.firstOrderPerIteration) - lossChange) / Math.abs(lossChange),
    lossChange,
    hurtingLayers: r.layers.filter((l) => l.total > 0).map((l) => l.name),
    peaks,
  };
}

/** The setting of one network in one line (for "same setting?" and the README). */
export function settingLine(r: NetworkResults): string {
  const s = r.settings;
  const net = s.network === 'lenet' ? 'reference LeNet (conv5×5·20, conv5×5·40, FC400, FC10; dropout .25/.5 in training)' : `ResNet-20 width ${s.width} on ${s.imageSize}×${s.imageSize} images`;
  return `${s.preset}: ${net}, ${r.parameterCount} parameters; SGD lr ${s.lr} momentum ${s.momentum} batch ${s.batchSize} on ${s.trainCount ?? 'all'} training images; LCA (${s.quadrature === 'simpson' ? 'Simpson, n = 2' : 'adaptive Simpson, τ = 1e-3'}) on ${r.lcaExamples} training images in chunks of ${s.chunkSize}; ${r.iterationsDone}/${s.iterations} iterations; seed ${s.seed}`;
}

export function layerTable(r: NetworkResults): string {
  const lines = ['| layer | parameters | Σ_t LCA | helped | hurt | iterations helped | verdict |', '|---|---|---|---|---|---|---|'];
  for (const l of r.layers) {
    lines.push(`| ${l.name} | ${l.parameters} | ${l.total.toExponential(2)} | ${l.helped.toExponential(2)} | ${l.hurt.toExponential(2)} | ${l.helpedIterations}/${r.iterationsDone} | ${l.total > 0 ? '**hurt overall**' : 'helped'} |`);
  }
  return lines.join('\n');
}

export function summaryTable(results: LcaPaperResults): string {
  const lines = [
    '| network | iterations | ΔL (LCA split) | fraction helping (all P) | (moved) | iterations with > 50% helping | Simpson conservation error | first-order error | Simpson pieces | layers hurting overall | peak sync. observed | shuffled null (± sd) | p |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const n of PAPER_NETWORKS) {
    const r = results.networks[n];
    if (!r || r.iterationsDone === 0) continue;
    const s = summarize(r);
    const pieces = Object.entries(r.pieces.reduce<Record<number, number>>((o, p) => ((o[p] = (o[p] ?? 0) + 1), o), {})).map(([k, v]) => `${k}: ${v}`).join(', ');
    const p = s.peaks;
    lines.push(`| ${LABEL[n]} | ${s.iterations} | ${s.lossChange.toFixed(3)} | ${s.helpingAll.toFixed(3)} | ${s.helpingMoved.toFixed(3)} | ${(100 * s.iterationsOverHalf).toFixed(0)}% | ${(100 * s.conservationError).toFixed(3)}% | ${(100 * s.firstOrderError).toFixed(1)}% | ${pieces} | ${s.hurtingLayers.length}/${r.layers.length} (${s.hurtingLayers.join(', ') || '—'}) | ${p ? p.observed.toFixed(3) : '—'} | ${p ? `${p.baseline.toFixed(3)} ± ${p.baselineStd.toFixed(3)}` : '—'} | ${p ? p.pValue.toPrecision(2) : '—'} |`);
  }
  return lines.join('\n');
}

export function paperTable(results: LcaPaperResults): string {
  const lines = ['| network | finding | paper | ours | same setting? | verdict |', '|---|---|---|---|---|---|'];
  for (const n of PAPER_NETWORKS) {
    const r = results.networks[n];
    if (!r || r.iterationsDone === 0) {
      lines.push(`| ${LABEL[n]} | — | — | not run | — | not run |`);
      continue;
    }
    const s = summarize(r);
    const same = r.settings.preset === 'full' ? 'yes (LCA on the whole training split)' : r.settings.network === 'lenet' ? `network, data and training yes; LCA on ${r.lcaExamples} training images (not 55,000), ${s.iterations} iterations` : `no — scaled: width ${r.settings.width}, ${r.settings.imageSize}×${r.settings.imageSize}, ${r.settings.trainCount} images, LCA on ${r.lcaExamples}, ${s.iterations} iterations`;
    const partial = s.iterations < r.settings.iterations ? ` (partial: ${s.iterations}/${r.settings.iterations})` : '';
    const inBand = s.helpingAll > HELPING_BAND[0] && s.helpingAll <= HELPING_BAND[1];
    lines.push(`| ${LABEL[n]} | fraction of parameters helping per iteration | "barely over 50%" (no per-network number) | ${(100 * s.helpingAll).toFixed(1)}% of all P (${(100 * s.helpingMoved).toFixed(1)}% of those that moved) | ${same} | ${inBand ? `reproduced: in (${HELPING_BAND[0]}, ${HELPING_BAND[1]}]` : s.helpingAll <= HELPING_BAND[0] ? 'not reproduced: at or under 50% of all P' : 'not reproduced: well over 50%'}${partial} |`);
    lines.push(`| ${LABEL[n]} | some entire layers hurt overall | qualitative; which layers not published | ${s.hurtingLayers.length ? s.hurtingLayers.join(', ') : 'none'} of ${r.layers.length} | ${same} | ${s.hurtingLayers.length ? 'reproduced' : 'not seen'}${partial} |`);
    const p = s.peaks;
    lines.push(`| ${LABEL[n]} | layers peak on identical iterations | qualitative; method not published | ${p ? `${p.observed.toFixed(3)} of a layer's peaks coincide with another layer's; null ${p.baseline.toFixed(3)} ± ${p.baselineStd.toFixed(3)}, p = ${p.pValue.toPrecision(2)}` : '—'} | ${same}; peak statistic: the project's | ${!p ? 'too few iterations' : p.pValue < 0.01 ? 'reproduced (above the shuffled null)' : 'not distinguishable from the null'}${partial} |`);
  }
  return lines.join('\n');
}
