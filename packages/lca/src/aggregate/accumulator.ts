// Online aggregation of LCA rows: keeps only what was asked for, O(P) plus O(T) per kept series.
import type { ParameterLayout } from '../layout/layout';
import type { IterationResult } from '../quadrature/allocator';
import type { LcaResult } from './result';

/** Which aggregates an LCA run keeps (the O(T) loss, error and count series are always kept). */
export interface KeepOptions {
  /** Σ_t A[t, i] per parameter: P float64 values (default true). */
  parameterTotals?: boolean;
  /** Per-layer series a_ℓ[t] (default true). */
  layerSeries?: boolean;
  /** Per-tensor series (default true). */
  tensorSeries?: boolean;
  /** Per-unit (neuron/channel) series: units × T values (default true). */
  unitSeries?: boolean;
  /** Every row A[t, :]: T × P values, for small problems and tests (default false). */
  full?: boolean;
}

const KEEP_DEFAULTS: Required<KeepOptions> = { parameterTotals: true, layerSeries: true, tensorSeries: true, unitSeries: true, full: false };

/** Accumulates the iterations of one data split into an {@link LcaResult}. */
export class LcaAccumulator {
  private readonly keep: Required<KeepOptions>;
  private readonly losses: number[] = [];
  private readonly lcaPerIteration: number[] = [];
  private readonly errors: number[] = [];
  private readonly pieces: number[] = [];
  private readonly evaluations: number[] = [];
  private readonly helpingCounts: number[] = [];
  private readonly movedCounts: number[] = [];
  private readonly layerTotal: Float64Array;
  private readonly layerHelped: Float64Array;
  private readonly layerHurt: Float64Array;
  private readonly layerHelpedIterations: Float64Array;
  private readonly tensorTotal: Float64Array;
  private readonly unitTotal: Float64Array;
  private readonly layerSeries: number[][];
  private readonly tensorSeries: number[][];
  private readonly unitSeries: number[][];
  private readonly parameterTotals: Float64Array | null;
  private readonly full: Float64Array[] = [];
  private readonly unitRow: Float64Array;

  constructor(
    /** The layout of θ. */
    readonly layout: ParameterLayout,
    /** The data split. */
    readonly split: string,
    keep: KeepOptions = {},
  ) {
    this.keep = { ...KEEP_DEFAULTS, ...Object.fromEntries(Object.entries(keep).filter(([, v]) => v !== undefined)) };
    const nl = layout.layers.length;
    this.layerTotal = new Float64Array(nl);
    this.layerHelped = new Float64Array(nl);
    this.layerHurt = new Float64Array(nl);
    this.layerHelpedIterations = new Float64Array(nl);
    this.tensorTotal = new Float64Array(layout.tensors.length);
    this.unitTotal = new Float64Array(layout.units.length);
    this.unitRow = new Float64Array(layout.units.length);
    this.layerSeries = layout.layers.map(() => []);
    this.tensorSeries = layout.tensors.map(() => []);
    this.unitSeries = layout.units.map(() => []);
    this.parameterTotals = this.keep.parameterTotals ? new Float64Array(layout.size) : null;
  }

  /** Host bytes held (typed arrays and series; a series value counts 8 bytes). */
  memoryBytes(): number {
    const T = this.lcaPerIteration.length;
    let n = 8 * (this.layerTotal.length * 4 + this.tensorTotal.length + 2 * this.unitTotal.length) + 8 * T * 7 + 8;
    if (this.parameterTotals) n += this.parameterTotals.byteLength;
    if (this.keep.layerSeries) n += 8 * T * this.layerSeries.length;
    if (this.keep.tensorSeries) n += 8 * T * this.tensorSeries.length;
    if (this.keep.unitSeries) n += 8 * T * this.unitSeries.length;
    for (const row of this.full) n += row.byteLength;
    return n;
  }

  /** Adds one iteration (its `splits[this.split]`). */
  add(iteration: IterationResult): void {
    const s = iteration.splits[this.split];
    if (!s) throw new Error(`LcaAccumulator: the iteration has no split '${this.split}'`);
    const { layout } = this;
    const a = s.lca;
    const d = iteration.delta;
    if (this.losses.length === 0) this.losses.push(s.before.loss);
    this.losses.push(s.after.loss);
    this.lcaPerIteration.push(s.lcaSum);
    this.errors.push(s.error);
    this.pieces.push(iteration.pieces);
    this.evaluations.push(iteration.evaluations);
    let helping = 0;
    let moved = 0;
    const unitRow = this.unitRow;
    unitRow.fill(0);
    const unitOf = layout.unitOf;
    const layerRow = new Float64Array(layout.layers.length);
    for (let k = 0; k < layout.tensors.length; k++) {
      const slot = layout.tensors[k];
      let sum = 0;
      let neg = 0;
      let pos = 0;
      for (let i = slot.offset; i < slot.offset + slot.size; i++) {
        const v = a[i];
        sum += v;
        if (v < 0) {
          neg += v;
          helping++;
        } else pos += v;
        if (d[i] !== 0) moved++;
        unitRow[unitOf[i]] += v;
      }
      this.tensorTotal[k] += sum;
      if (this.keep.tensorSeries) this.tensorSeries[k].push(sum);
      layerRow[slot.layerIndex] += sum;
      this.layerHelped[slot.layerIndex] += neg;
      this.layerHurt[slot.layerIndex] += pos;
    }
    for (let l = 0; l < layerRow.length; l++) {
      this.layerTotal[l] += layerRow[l];
      if (layerRow[l] < 0) this.layerHelpedIterations[l]++;
      if (this.keep.layerSeries) this.layerSeries[l].push(layerRow[l]);
    }
    for (let u = 0; u < unitRow.length; u++) {
      this.unitTotal[u] += unitRow[u];
      if (this.keep.unitSeries) this.unitSeries[u].push(unitRow[u]);
    }
    if (this.parameterTotals) for (let i = 0; i < a.length; i++) this.parameterTotals[i] += a[i];
    if (this.keep.full) this.full.push(a.slice());
    this.helpingCounts.push(helping);
    this.movedCounts.push(moved);
  }

  /** The result so far (copies of the kept series). */
  result(): LcaResult {
    const { layout, keep } = this;
    const paramsPerLayer = layout.layers.map((_, l) => layout.tensors.filter((s) => s.layerIndex === l).reduce((n, s) => n + s.size, 0));
    return {
      split: this.split,
      parameterCount: layout.size,
      iterations: this.lcaPerIteration.length,
      losses: [...this.losses],
      lcaPerIteration: [...this.lcaPerIteration],
      errors: [...this.errors],
      pieces: [...this.pieces],
      evaluations: [...this.evaluations],
      helpingCounts: [...this.helpingCounts],
      movedCounts: [...this.movedCounts],
      layers: layout.layers.map((name, l) => ({
        name,
        parameters: paramsPerLayer[l],
        total: this.layerTotal[l],
        helped: this.layerHelped[l],
        hurt: this.layerHurt[l],
        helpedIterations: this.layerHelpedIterations[l],
        ...(keep.layerSeries ? { series: [...this.layerSeries[l]] } : {}),
      })),
      tensors: layout.tensors.map((slot, k) => ({
        name: slot.name,
        layer: slot.layer,
        shape: [...slot.shape],
        total: this.tensorTotal[k],
        ...(keep.tensorSeries ? { series: [...this.tensorSeries[k]] } : {}),
      })),
      units: layout.units.map((u, k) => ({
        layer: u.layer,
        index: u.index,
        parameters: u.parameters,
        total: this.unitTotal[k],
        ...(keep.unitSeries ? { series: [...this.unitSeries[k]] } : {}),
      })),
      ...(this.parameterTotals ? { parameterTotals: this.parameterTotals.slice() } : {}),
      ...(keep.full ? { full: this.full.map((r) => r.slice()) } : {}),
    };
  }
}
