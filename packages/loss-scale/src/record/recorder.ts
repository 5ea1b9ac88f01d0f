import type * as t from '@nnlab/tensor-gpu';
import { overflowRate, underflowRate } from '../mixed/counts';

/** One scaled layer in one step, read back. */
export interface LayerStepRecord {
  /** The layer's dotted name. */
  layer: string;
  /** `'linear'` or `'conv2d'`. */
  kind: 'linear' | 'conv2d';
  /** α applied to its incoming gradient. */
  alpha: number;
  /** s_prev: the scale its incoming gradient carried. */
  incomingScale: number;
  /** Float16 fate of its exact input gradient (null for the first layer, whose input needs none, or when not recorded). */
  inputGrad: t.Float16Stats | null;
  /** Float16 fate of its exact weight gradient (null when not recorded). */
  weightGrad: t.Float16Stats | null;
}

/** One training step, read back. */
export interface StepRecord {
  /** Step index, from 0. */
  iteration: number;
  /** The (unscaled) training loss. */
  loss: number;
  /** s₀ used in this step. */
  lossScale: number;
  /** Whether the update was skipped because a gradient was not finite. */
  skipped: boolean;
  /** Float16 fate of the scaled loss gradient s₀·∂L/∂ŷ (null when not recorded). */
  lossGrad: t.Float16Stats | null;
  /** The scaled layers, in forward order (empty in float32 mode). */
  layers: LayerStepRecord[];
}

/** Which per-layer quantity {@link ScaleRecorder.series} extracts. */
export type LayerQuantity = 'alpha' | 'incomingScale' | 'inputUnderflow' | 'inputOverflow' | 'weightUnderflow' | 'weightOverflow';

/** Per-step, per-layer record of loss scales and float16 underflow/overflow rates. */
export class ScaleRecorder {
  /** Every recorded step, in order. */
  readonly steps: StepRecord[] = [];

  /** Appends a step. */
  add(step: StepRecord): void {
    this.steps.push(step);
  }

  /** Names of the scaled layers, in forward order (from the first step that has them). */
  layerNames(): string[] {
    return this.steps.find((s) => s.layers.length > 0)?.layers.map((l) => l.layer) ?? [];
  }

  /** Steps whose update was skipped. */
  skippedSteps(): number {
    return this.steps.filter((s) => s.skipped).length;
  }

  /** One quantity of one layer over the steps that recorded it. */
  series(layer: string, quantity: LayerQuantity): { iteration: number; value: number }[] {
    const out: { iteration: number; value: number }[] = [];
    for (const s of this.steps) {
      const l = s.layers.find((r) => r.layer === layer);
      if (!l) continue;
      const value = layerValue(l, quantity);
      if (value !== null) out.push({ iteration: s.iteration, value });
    }
    return out;
  }

  /**
   * Underflow rate pooled over steps (and over layers when `layer` is omitted): flushed values over
   * non-zero values of the exact input (`'input'`) or weight (`'weight'`) gradients, or of the
   * scaled loss gradient (`'loss'`, no layer).
   */
  underflowRate(which: 'input' | 'weight' | 'loss', layer?: string): number {
    let flushed = 0;
    let nonZero = 0;
    for (const s of this.steps) {
      if (which === 'loss') {
        flushed += s.lossGrad?.underflow ?? 0;
        nonZero += s.lossGrad?.nonZero ?? 0;
        continue;
      }
      for (const l of s.layers) {
        if (layer !== undefined && l.layer !== layer) continue;
        const fate = which === 'input' ? l.inputGrad : l.weightGrad;
        if (!fate) continue;
        flushed += fate.underflow;
        nonZero += fate.nonZero;
      }
    }
    return nonZero === 0 ? 0 : flushed / nonZero;
  }
}

function layerValue(l: LayerStepRecord, quantity: LayerQuantity): number | null {
  switch (quantity) {
    case 'alpha':
      return l.alpha;
    case 'incomingScale':
      return l.incomingScale;
    case 'inputUnderflow':
      return l.inputGrad ? underflowRate(l.inputGrad) : null;
    case 'inputOverflow':
      return l.inputGrad ? overflowRate(l.inputGrad) : null;
    case 'weightUnderflow':
      return l.weightGrad ? underflowRate(l.weightGrad) : null;
    case 'weightOverflow':
      return l.weightGrad ? overflowRate(l.weightGrad) : null;
  }
}
