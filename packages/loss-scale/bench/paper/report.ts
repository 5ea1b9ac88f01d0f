// Tables of the CIFAR-10 paper run: per-epoch curves, per-layer underflow, and
// paper | ours | same setting? | verdict.
import { mean, standardError } from '../../../../scripts/bench-report';
import type { EpochResult, LossScalePaperResults } from './run';
import { ALL_METHODS, EXTRA_METHODS, METHOD_LABEL, PAPER_METHODS, type PaperMethod } from './settings';

const pct = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? '—' : `${(100 * v).toFixed(d)}%`);
const rate = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v === 0 ? '0' : v < 1e-3 ? v.toExponential(1) : `${(100 * v).toFixed(2)}%`);

/** The setting in one line, for the tables' "same setting?" column and the README. */
export function settingLine(r: LossScalePaperResults): string {
  const s = r.settings;
  return `${s.preset}: ResNet-20 width ${s.width} (${r.parameters} parameters), ${s.trainCount} training images at ${s.imageSize}×${s.imageSize}${s.augment ? ', crop+flip' : ', no augmentation'}, test on ${s.testCount}, ${s.epochs} epochs, lr ${s.lr} ×0.1 at epochs ${s.lrMilestones.join(', ') || '—'}, batch ${s.batchSize}, momentum ${s.momentum}, wd ${s.weightDecay}, S = ${s.staticScale}, adaptive SB ${s.adaptive.scaleUpperBound} AB ${s.adaptive.accumUpperBound} F ${s.adaptive.updateEvery}, seed ${s.seed}`;
}

const last = (r: LossScalePaperResults, m: PaperMethod): EpochResult | null => r.methods[m]?.epochs.at(-1) ?? null;

export function curveTable(r: LossScalePaperResults): string {
  const lines = ['| method | epoch | train loss | test acc. | skipped | s₀ after | loss-grad underflow | input-grad underflow | weight-grad underflow | s | load (1 min) |', '|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const m of ALL_METHODS) {
    for (const e of r.methods[m]?.epochs ?? []) {
      lines.push(`| ${METHOD_LABEL[m]} | ${e.epoch} | ${e.loss.toFixed(3)} | ${pct(e.testAccuracy)} | ${e.skippedSteps}/${e.steps} | ${m === 'fp32' ? '—' : e.lossScale.toPrecision(3)} | ${rate(e.underflow?.loss)} | ${rate(e.underflow?.input)} | ${rate(e.underflow?.weight)} | ${e.seconds.toFixed(0)} | ${e.load[0]} |`);
    }
  }
  return lines.join('\n');
}

/** Input-gradient underflow per layer in each method's last epoch (α in parentheses for adaptive). */
export function layerTable(r: LossScalePaperResults): string {
  const methods = ALL_METHODS.filter((m) => m !== 'fp32' && last(r, m));
  const names = last(r, methods[0] ?? 'none')?.layers.map((l) => l.layer) ?? [];
  if (names.length === 0) return '(no float16 epoch yet)';
  const lines = [`| layer | ${methods.map((m) => METHOD_LABEL[m]).join(' | ')} |`, `|---|${methods.map(() => '---|').join('')}`];
  for (const name of names) {
    const cell = (m: PaperMethod) => {
      const l = last(r, m)!.layers.find((x) => x.layer === name);
      if (!l) return '—';
      return `${rate(l.inputUnderflow)} / ${rate(l.weightUnderflow)}${m.startsWith('adaptive') ? ` (α ${l.alpha.toPrecision(3)})` : ''}`;
    };
    lines.push(`| ${name} | ${methods.map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

export function paperTable(r: LossScalePaperResults): string {
  const acc = (m: PaperMethod) => last(r, m)?.testAccuracy ?? null;
  const epochs = (m: PaperMethod) => r.methods[m]?.epochs.length ?? 0;
  const common = Math.min(...r.settings.methods.map(epochs));
  const complete = common === r.settings.epochs;
  const when = complete ? `after all ${common} epochs` : `partial: ${r.settings.methods.map((m) => `${m} ${epochs(m)}`).join(', ')} of ${r.settings.epochs} epochs`;
  const s = r.settings;
  const same = s.preset === 'full' ? 'the reference setting (F = 1 instead of 1000)' : `no — ${s.preset === 'quick' ? 'smoke run' : s.preset}: width ${s.width}, ${s.imageSize}×${s.imageSize}, ${s.trainCount} images, ${s.epochs} epochs, test on ${s.testCount}`;
  const accAt = (m: PaperMethod) => {
    const e = r.methods[m]?.epochs[common - 1];
    return e ? e.testAccuracy : null;
  };
  const gap = (a: PaperMethod, b: PaperMethod) => {
    const x = accAt(a);
    const y = accAt(b);
    return x === null || y === null ? null : 100 * (x - y);
  };
  // Sampling error of a difference of two accuracies on the same number of test images (binomial).
  const se = (a: PaperMethod, b: PaperMethod) => {
    const x = accAt(a);
    const y = accAt(b);
    return x === null || y === null ? null : 100 * Math.sqrt((x * (1 - x) + y * (1 - y)) / r.settings.testCount);
  };
  const pts = (v: number | null, a: PaperMethod, b: PaperMethod) => (v === null ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(2)} pts (sampling s.e. ±${se(a, b)!.toFixed(1)})`);
  const rows: string[] = [];
  const extras = EXTRA_METHODS.filter((m) => epochs(m) > 0);
  for (const m of [...PAPER_METHODS, ...extras]) rows.push(`| ${METHOD_LABEL[m]} test accuracy | not published (spec §4) | ${pct(acc(m))}, ${r.methods[m]?.epochs.reduce((n, e) => n + e.skippedSteps, 0) ?? 0} skipped steps | ${same} | ${epochs(m) ? `${epochs(m)}/${r.settings.epochs} epochs` : 'not run'} |`);
  const adaptiveVsFp32 = gap('adaptive', 'fp32');
  rows.push(`| adaptive − float32 | target ≥ −${r.targetPoints} pts (project) | ${pts(adaptiveVsFp32, 'adaptive', 'fp32')} | ${same} | ${adaptiveVsFp32 === null ? 'not run' : adaptiveVsFp32 >= -r.targetPoints ? 'met' : 'missed'} (${when}) |`);
  for (const m of extras) {
    // Compared at the epoch every reference method reached; until it gets there the row shows its progress.
    const g = gap(m, 'fp32');
    rows.push(`| ${METHOD_LABEL[m]} − float32 | target ≥ −${r.targetPoints} pts (project) | ${pts(g, m, 'fp32')} | ${same}; not the reference's configuration | ${g === null ? `${epochs(m)}/${r.settings.epochs} epochs` : g >= -r.targetPoints ? 'met' : 'missed'} (${when}) |`);
  }
  const adaptiveVsDynamic = gap('adaptive', 'dynamic');
  rows.push(`| adaptive − dynamic | ≥ 0 (paper: adaptive beats existing MPT) | ${pts(adaptiveVsDynamic, 'adaptive', 'dynamic')} | ${same} | ${adaptiveVsDynamic === null ? 'not run' : adaptiveVsDynamic >= 0 ? 'holds' : 'does not hold'} (${when}) |`);
  const adaptiveVsStatic = gap('adaptive', 'static');
  rows.push(`| adaptive − static | ≥ 0 (paper) | ${pts(adaptiveVsStatic, 'adaptive', 'static')} | ${same} | ${adaptiveVsStatic === null ? 'not run' : adaptiveVsStatic >= 0 ? 'holds' : 'does not hold'} (${when}) |`);
  return ['| quantity | paper | ours | same setting? | verdict |', '|---|---|---|---|---|', ...rows].join('\n');
}

/**
 * Final test accuracy of every method in each seed's results file of one preset, the mean over the
 * seeds a method finished, and each float16 method's mean gap to float32 over the seeds both finished.
 */
export function seedTable(runs: readonly LossScalePaperResults[]): string {
  const finished = (r: LossScalePaperResults, m: PaperMethod) => (r.methods[m]?.epochs.length === r.settings.epochs ? last(r, m)!.testAccuracy : null);
  const points = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
  const methods = [...PAPER_METHODS, ...EXTRA_METHODS.filter((m) => runs.some((r) => r.methods[m]))];
  const lines = [`| seed | ${methods.map((m) => METHOD_LABEL[m]).join(' | ')} |`, `|---|${methods.map(() => '---|').join('')}`];
  for (const r of runs) lines.push(`| ${r.settings.seed} | ${methods.map((m) => pct(finished(r, m))).join(' | ')} |`);
  const meanCell = (m: PaperMethod) => {
    const xs = runs.map((r) => finished(r, m)).filter((v): v is number => v !== null);
    return xs.length ? `${pct(mean(xs))} (${xs.length})` : '—';
  };
  lines.push(`| **mean** (seeds) | ${methods.map(meanCell).join(' | ')} |`);
  const gapCell = (m: PaperMethod) => {
    if (m === 'fp32') return '0';
    const gaps = runs.flatMap((r) => {
      const a = finished(r, m);
      const b = finished(r, 'fp32');
      return a === null || b === null ? [] : [100 * (a - b)];
    });
    const se = gaps.length > 1 ? `; s.e. ${standardError(gaps).toFixed(2)}` : '';
    return gaps.length ? `**${points(mean(gaps))}** (${gaps.length}${se}; ${gaps.map(points).join(', ')})` : '—';
  };
  lines.push(`| **− float32**, mean pts (seeds; standard error; each) | ${methods.map(gapCell).join(' | ')} |`);
  return lines.join('\n');
}
