import type { ProjectionCost } from '@nnlab/dfa';
import type { ReportSection } from '../../experiment';
import { escapeXml } from '../../report/format';
import { barChart, lineChart } from '../../report/svg';
import { fmt, NOKLAND_MNIST_2X800 } from './judge';
import { CIFAR_METHODS, MNIST_METHODS, type DfaMeasurement, type DfaRun } from './measure';

/** The readable name of a run's block, as the other experiments' figures name layers; throws when the run recorded none. */
function blockName(run: DfaRun, blockIndex: number): string {
  const name = run.blockNames?.[blockIndex];
  if (name === undefined) throw new Error(`dfa run '${run.dataset}: ${run.label}' has no recorded name for block ${blockIndex}`);
  return name;
}

/** The runs as an HTML table, with each run's gap to the BP run of its data set. */
export function runsTable(runs: readonly DfaRun[], baseline: (r: DfaRun) => DfaRun | undefined): string {
  const head = ['Data', 'Method', 'Train images', 'Epochs', 'Test error %', 'Δ vs BP (pts)', 's / epoch', 'Last-epoch loss', 'Final alignment per hidden layer: cos of W updates, mean per-sample cos of output gradients'];
  const body = runs.map((r) => {
    const bp = baseline(r);
    const last = r.alignment[r.alignment.length - 1];
    return `<tr><td>${escapeXml(r.dataset)}</td><td>${escapeXml(r.label)}</td><td class="num">${r.trainCount}</td><td class="num">${r.epochs}</td>` +
      `<td class="num">${fmt(r.errorPercent)}</td><td class="num">${bp && bp !== r ? fmt(r.errorPercent - bp.errorPercent) : ''}</td>` +
      `<td class="num">${fmt(r.secondsPerEpoch)}</td><td class="num">${fmt(r.finalLoss)}</td>` +
      `<td>${last ? last.layers.map((l) => `${escapeXml(blockName(r, l.blockIndex))} (${l.rule}): W ${fmt(l.weightCosine, 2)}${l.deltaCosine === null ? '' : `, δ ${fmt(l.deltaCosine, 2)}`}`).join(' / ') : ''}</td></tr>`;
  });
  return `<table><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>${body.join('')}</table>`;
}

/** Weight-update cosines with BP over training, one line per hidden layer and run. */
export function alignmentChart(title: string, runs: readonly DfaRun[]): string {
  const series = runs.flatMap((r) => {
    const layers = r.alignment[0]?.layers ?? [];
    return layers.map((layer, i) => ({
      name: `${r.label} · ${blockName(r, layer.blockIndex)} (${layer.rule})`,
      points: r.alignment.map((a) => [a.epoch, a.layers[i].weightCosine] as [number, number]),
    }));
  });
  return lineChart({ title, xLabel: 'epoch', yLabel: 'cos(∇W, ∇W_BP)', series, width: 800 });
}

/** Float vs sign projection costs as an HTML table. */
export function projectionTable(rows: readonly ProjectionCost[]): string {
  const head = ['Layer rows × classes', 'Batch', 'Float matmul ms', 'Sign path ms', 'Speed-up', 'Multiplications float → sign', 'Additions float → sign'];
  const body = rows.map((p) =>
    `<tr><td>${p.rows} × ${p.classes}</td><td class="num">${p.batch}</td><td class="num">${fmt(p.floatMs)}</td><td class="num">${fmt(p.signMs)}</td>` +
      `<td class="num">${fmt(p.speedup)}×</td><td class="num">${p.floatMultiplies} → ${p.signMultiplies}</td><td class="num">${p.floatAdditions} → ${p.signAdditions}</td></tr>`,
  );
  return `<table><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>${body.join('')}</table>`;
}

/** The report sections of a run, from its measurement alone. */
export function renderDfa(m: DfaMeasurement): ReportSection[] {
  const s = m.settings;
  const mnistErrorChart = barChart({
    title: 'Test error % by method',
    categories: [...new Set([...m.mnist, ...m.cifar].map((r) => r.dataset))],
    series: [...new Set([...MNIST_METHODS, ...CIFAR_METHODS].map((method) => method.label))].map((label) => ({
      name: label,
      values: [...new Set([...m.mnist, ...m.cifar].map((r) => r.dataset))].map((d) => [...m.mnist, ...m.cifar].find((r) => r.dataset === d && r.label === label)?.errorPercent ?? null),
    })),
    yLabel: 'test error %',
    width: 900,
    format: (v) => fmt(v),
  });
  const baselineOf = (r: DfaRun) => [...m.mnist, ...m.cifar].find((b) => b.dataset === r.dataset && b.label === 'BP');
  const setup =
    `<p>MNIST: 784-${s.hidden}-${s.hidden}-10 tanh, PyTorch default initialisation, the first ${s.mnistTrain} training and ${s.mnistTest} test images, ` +
    `${s.mnistEpochs} epoch(s) of SGD (lr ${s.mnistLr}, momentum 0.9, batch ${s.batch}) for every method. Feedback: TinyDFA’s shared uniform matrix U[−1, 1)/√N; ` +
    `binary DFA uses its signs times c = 1/√(3N) (the same variance). CIFAR-10: conv3×3·8 → pool → conv3×3·16 → pool → FC 1024→128 → FC 128→10 (ReLU), ` +
    `inputs standardised per channel, SGD lr ${s.cifarLr}, momentum 0.9, batch ${s.batch}; ${s.cifarTrain} training images of batch 1 (${s.cifarEpochs} epochs) and ` +
    `their first 10% (${s.smallEpochs} epochs), ${s.cifarTest} test images. Hybrid = conv blocks by BP, fed W_fc1ᵀ·δ_fc1 from the DFA delta of the first FC layer. ` +
    `Times are training seconds per epoch on this machine’s cpu backend (alignment measurements excluded; a shared machine is noisy).</p>` +
    `<p>The papers train far longer on the full data: Nøkland (2016) reports ${NOKLAND_MNIST_2X800.bp}% (BP) and ${NOKLAND_MNIST_2X800.dfa}% (DFA) for 2×800 tanh on all 60,000 ` +
    `images (quoted, not reproduced here); Han and Yoo train on all of CIFAR-10/100 with settings not published in the sources we could read. ` +
    `These reduced runs show the ordering and the alignment, not the papers’ absolute errors.</p>`;
  return [
    { title: 'Setup', html: setup },
    { title: 'Test error and time per epoch', html: runsTable([...m.mnist, ...m.cifar], baselineOf) + mnistErrorChart },
    { title: 'Alignment with back-propagation, MNIST', html: alignmentChart('MNIST: cosine between each hidden layer’s update and BP’s, same batch', m.mnist.filter((r) => r.alignment.length > 0)) },
    { title: 'Alignment with back-propagation, CIFAR-10', html: alignmentChart('CIFAR-10: cosine between each hidden layer’s update and BP’s, same batch', m.cifar.filter((r) => r.dataset === 'CIFAR-10' && r.alignment.length > 0)) },
    {
      title: 'Binary feedback: sign-select-and-add vs float matmul',
      html: `<p>The projection e·B_lᵀ of the output error through a ±c matrix, computed as a float matmul and as scale-once-then-add (on the cpu backend by tabulated Gray-code subset sums). ` +
        `The projection is a small part of a training step when the classes are few, so step times barely move.</p>${projectionTable(m.projection)}`,
    },
  ];
}
