import type { ReportSection } from '../../experiment';
import { escapeXml } from '../../report/format';
import { barChart, lineChart } from '../../report/svg';
import type { PackFindings } from './judge';
import type { StepTimeRow } from '@nnlab/pack';
import type { PackMeasurement, PackSearch } from './measure';

/** Best score so far against elapsed time, from the rung records (rungs run one after another). */
function bestOverTime(search: PackSearch): [number, number][] {
  let elapsed = 0;
  let best = -Infinity;
  const points: [number, number][] = [[0, NaN]];
  for (const r of search.rungs) {
    elapsed += r.wallMs / 1000;
    for (const [, score] of r.scores) best = Math.max(best, score);
    points.push([elapsed, best]);
  }
  return points;
}

/** The step times as an HTML table. */
function stepTable(rows: readonly StepTimeRow[]): string {
  const body = rows
    .map((r) => `<tr><td>${escapeXml(r.architecture)}</td><td class="num">${r.k}</td><td class="num">${r.sequentialMs.toFixed(1)}</td><td class="num">${r.packedMs.toFixed(1)}</td><td class="num">${r.speedup.toFixed(2)}×</td><td class="num">${(100 * r.improvement).toFixed(1)}%</td><td class="num">${r.cpuSpeedup.toFixed(2)}×</td></tr>`)
    .join('');
  return `<table><tr><th>Model</th><th>K</th><th>Σ sequential ms</th><th>Packed ms</th><th>Speedup</th><th>Improvement</th><th>Speedup in CPU time</th></tr>${body}</table>`;
}

/** The two searches as an HTML table. */
function searchTable(searches: readonly PackSearch[]): string {
  const body = searches
    .map((r) => `<tr><td>${escapeXml(r.name)}</td><td class="num">${r.trainings}</td><td class="num">${r.epochs}</td><td class="num">${r.rungs.reduce((s, x) => s + x.packs.length, 0)}</td><td class="num">${(r.wallMs / 1000).toFixed(1)}</td><td class="num">${(r.timeToBestMs / 1000).toFixed(1)}</td><td class="num">${r.best ? r.best.score.toFixed(4) : '–'}</td><td>${escapeXml(JSON.stringify(r.best?.config ?? null))}</td></tr>`)
    .join('');
  return `<table><tr><th>Search</th><th>Trainings</th><th>Epochs</th><th>Jobs</th><th>Wall s</th><th>Time to best s</th><th>Best accuracy</th><th>Best configuration</th></tr>${body}</table>`;
}

/** The report sections of a run, from its measurement and findings. */
export function renderPack(m: PackMeasurement, f: PackFindings): ReportSection[] {
  const h = m.hyperband;
  const mlpK2 = m.stepTimes.find((r) => r.architecture.startsWith('mlp') && r.k === 2);
  const speedupFigure = barChart({
    title: `Speedup of one packed step over K sequential steps (${m.backend}, batch 64)`,
    categories: m.ks.map((k) => `K=${k}`),
    series: m.architectures.map((name) => ({ name, values: m.ks.map((k) => m.stepTimes.find((r) => r.architecture === name && r.k === k)?.speedup ?? null) })),
    yLabel: 'Σ sequential / packed',
    format: (v) => `${v.toFixed(2)}×`,
  });
  const timeFigure = lineChart({
    title: 'Best validation accuracy found so far',
    series: h.searches.map((search) => ({ name: search.name, points: bestOverTime(search) })),
    xLabel: 'wall time (s)',
    yLabel: 'accuracy',
  });
  const cpuVerdict = mlpK2
    ? mlpK2.speedup >= 1
      ? `Packing two MLPs ran ${mlpK2.speedup.toFixed(2)}× as fast as stepping them one after another.`
      : `Packing two MLPs ran at ${mlpK2.speedup.toFixed(2)}× the sequential speed here: the target (≥ 1.0× on the CPU) is <strong>not met</strong> on this backend and load.`
    : '';
  return [
    {
      title: 'Step time: packed against sequential',
      html:
        `<p>Each row times one training step (forward, backward, SGD with momentum 0.9 and a different learning rate per model, loss read back) of K models: ` +
        `K single models one after another (Σ sequential) against one packed step of the same K models on the same batch of 64 random inputs; medians of ${m.repeats} ` +
        `after 2 warm-up steps, the two timed in alternation, on the ${escapeXml(m.backend)} backend; process CPU time beside wall time, since other processes on a shared machine disturb wall time. The paper reports +40% for two packed MLPs on a GPU and 30–58% with TensorFlow on a CPU. ${cpuVerdict} ` +
        `Timings on a shared machine are noisy; compare only within one run.</p>${stepTable(m.stepTimes)}${speedupFigure}` +
        `<p>Models of different architectures cannot be fused; queued back to back with one readback they took ${m.queue.backToBackMs.toFixed(1)} ms against ` +
        `${m.queue.readbackEachMs.toFixed(1)} ms with a readback after each pack (${m.queue.ratio.toFixed(2)}×).</p>`,
    },
    {
      title: 'Hyperband and pack-aware Hyperband on MNIST',
      html:
        `<p>Hyperband with R = ${h.R} epochs, η = 3 (${h.totals.trainings} trainings, ${h.totals.budget} epochs) over ${escapeXml(JSON.stringify(h.space))}; ` +
        `MLP 784-64-10 trained on the first ${h.trainCount} MNIST training images and scored on the last ${h.validationCount} (validation accuracy). Both searches sample the same ` +
        `configurations (seed ${h.seed}). The original trains each configuration alone; the pack-aware one groups each rung's configurations of equal batch size into kNN packs of up to 4 (no batch padding) ` +
        `and trains each pack in one packed run, every model on its own batches (so it trains the same models). Time ratio original / pack-aware: ` +
        `<strong>${f.ratio.toFixed(2)}×</strong> (paper: up to 2.7× on a GPU).</p>${searchTable(h.searches)}${timeFigure}`,
    },
  ];
}
