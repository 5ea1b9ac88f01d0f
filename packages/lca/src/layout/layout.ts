// Where each parameter tensor sits in the flat vector θ, and which layer and unit it belongs to.

/** One parameter tensor as the layout needs it. */
export interface LayoutEntry {
  /** Dotted name, e.g. `'0.weight'`. */
  name: string;
  /** Shape of the tensor. */
  shape: readonly number[];
  /**
   * Axis indexing output units (neurons, channels), or null for none: 0 for this project's
   * `[out, in]` and `[outC, inC, kH, kW]` weights and `[out]` biases (default 0).
   */
  unitAxis?: number | null;
  /** Layer the tensor belongs to (default: the name without its last segment, e.g. `'0'`). */
  layer?: string;
}

/** A tensor's place in θ. */
export interface TensorSlot {
  /** Dotted name. */
  name: string;
  /** Layer name. */
  layer: string;
  /** Index of the layer in {@link ParameterLayout.layers}. */
  layerIndex: number;
  /** Shape. */
  shape: readonly number[];
  /** First index in θ. */
  offset: number;
  /** Number of values. */
  size: number;
  /** Unit axis, or null. */
  unitAxis: number | null;
}

/** One unit (neuron or channel) of a layer: every tensor entry of the layer at that output index. */
export interface Unit {
  /** Layer name. */
  layer: string;
  /** Index along the unit axis; -1 for the bucket of a tensor without unit structure. */
  index: number;
  /** Parameters that belong to this unit. */
  parameters: number;
}

/**
 * The flat order of all parameters (tensors concatenated in order, each row-major) with the
 * maps that the aggregations use: parameter → tensor, → layer, → unit. A unit is one output
 * index of a layer: every tensor of the layer with a unit axis (kernel and bias) contributes
 * its slice at that index, summed over all other axes. A tensor without a unit axis forms one
 * bucket of its own, so that every parameter belongs to exactly one unit.
 */
export interface ParameterLayout {
  /** The tensors, in θ order. */
  tensors: readonly TensorSlot[];
  /** Layer names, in order of first appearance. */
  layers: readonly string[];
  /** The units, grouped by layer in layer order. */
  units: readonly Unit[];
  /** Unit of each parameter (index into {@link units}). */
  unitOf: Int32Array;
  /** P, the total number of parameters. */
  size: number;
}

/** The layer a dotted parameter name belongs to: the name without its last segment (`''` for a top-level one). */
export function defaultLayerOf(name: string): string {
  const at = name.lastIndexOf('.');
  return at < 0 ? '' : name.slice(0, at);
}

/** Builds a {@link ParameterLayout} from tensor names and shapes. */
export function createLayout(entries: readonly LayoutEntry[]): ParameterLayout {
  if (!Array.isArray(entries) || entries.length === 0) throw new Error('createLayout: expected a non-empty list of { name, shape }');
  const layers: string[] = [];
  const tensors: TensorSlot[] = [];
  let offset = 0;
  const names = new Set<string>();
  for (const e of entries) {
    if (typeof e.name !== 'string' || names.has(e.name)) throw new Error(`createLayout: tensor names must be distinct strings, got ${JSON.stringify(e.name)}`);
    names.add(e.name);
    const shape = [...e.shape];
    if (shape.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`createLayout: '${e.name}' has a bad shape ${JSON.stringify(shape)}`);
    const unitAxis = e.unitAxis === undefined ? (shape.length > 0 ? 0 : null) : e.unitAxis;
    if (unitAxis !== null && !(Number.isInteger(unitAxis) && unitAxis >= 0 && unitAxis < shape.length)) {
      throw new Error(`createLayout: '${e.name}' has unitAxis ${String(unitAxis)} outside its ${shape.length} axes`);
    }
    const layer = e.layer ?? defaultLayerOf(e.name);
    let layerIndex = layers.indexOf(layer);
    if (layerIndex < 0) layerIndex = layers.push(layer) - 1;
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name: e.name, layer, layerIndex, shape, offset, size, unitAxis });
    offset += size;
  }
  const { units, unitOf } = assignUnits(tensors, layers, offset);
  return { tensors, layers, units, unitOf, size: offset };
}

function assignUnits(tensors: readonly TensorSlot[], layers: readonly string[], size: number): { units: Unit[]; unitOf: Int32Array } {
  const units: Unit[] = [];
  const unitOf = new Int32Array(size);
  for (let l = 0; l < layers.length; l++) {
    const own = tensors.filter((t) => t.layerIndex === l);
    // Units of a layer: one per output index of its unit-structured tensors (kernel + bias);
    // tensors whose unit count differs from the layer's first one, or that have none, get a bucket.
    const structured = own.filter((t) => t.unitAxis !== null);
    const count = structured.length ? structured[0].shape[structured[0].unitAxis!] : 0;
    const first = units.length;
    for (let u = 0; u < count; u++) units.push({ layer: layers[l], index: u, parameters: 0 });
    for (const t of own) {
      if (t.unitAxis !== null && t.shape[t.unitAxis] === count) {
        const stride = t.shape.slice(t.unitAxis + 1).reduce((a, b) => a * b, 1);
        for (let j = 0; j < t.size; j++) {
          const u = first + (Math.floor(j / stride) % count);
          unitOf[t.offset + j] = u;
          units[u].parameters++;
        }
      } else {
        const bucket = units.push({ layer: layers[l], index: -1, parameters: t.size }) - 1;
        unitOf.fill(bucket, t.offset, t.offset + t.size);
      }
    }
  }
  return { units, unitOf };
}
