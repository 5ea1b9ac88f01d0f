// The layout of a tensor-gpu module, and moving θ between its parameters and the host.
import * as t from '@nnlab/tensor-gpu';
import { createLayout, defaultLayerOf, type ParameterLayout } from './layout';

/** Options of {@link moduleLayout}. */
export interface ModuleLayoutOptions {
  /** Layer of a parameter (default: its dotted name without the last segment, e.g. `'0'` for `'0.weight'`). */
  layerOf?: (name: string, parameter: t.nn.Parameter) => string;
  /** Which parameters take part (default: all, frozen ones included: they count as "not helping"). */
  include?: (name: string, parameter: t.nn.Parameter) => boolean;
}

/** A module's parameters in θ order, with their layout. */
export interface ModuleParameters {
  /** The flat layout. */
  layout: ParameterLayout;
  /** The parameters, in θ order. */
  parameters: readonly t.nn.Parameter[];
}

/** The flat layout of `model.namedParameters()` (unit axes from each `Parameter.unitAxis`). */
export function moduleLayout(model: t.nn.Module, options: ModuleLayoutOptions = {}): ModuleParameters {
  const named = model.namedParameters().filter(([n, p]) => options.include?.(n, p) ?? true);
  if (named.length === 0) throw new Error('moduleLayout: the model has no parameters to allocate');
  const layout = createLayout(
    named.map(([name, p]) => ({ name, shape: p.value.shape, unitAxis: p.unitAxis, layer: options.layerOf?.(name, p) ?? defaultLayerOf(name) })),
  );
  return { layout, parameters: named.map(([, p]) => p) };
}

/** Reads the current parameter values into a float64 θ (exact: every float32 is a float64). */
export async function readParameters(params: ModuleParameters, into?: Float64Array): Promise<Float64Array> {
  const theta = into ?? new Float64Array(params.layout.size);
  const values = await Promise.all(params.parameters.map((p) => p.value.data()));
  params.layout.tensors.forEach((slot, i) => {
    const v = values[i];
    if (v.length !== slot.size) throw new Error(`readParameters: '${slot.name}' now has ${v.length} values, the layout expects ${slot.size}`);
    theta.set(v, slot.offset);
  });
  return theta;
}

/** Uploads θ as one float32 tensor per parameter (rounded to nearest); the caller owns them. */
export function uploadParameters(theta: Float64Array, layout: ParameterLayout): t.Tensor[] {
  return layout.tensors.map((slot) => t.tensor(Float32Array.from(theta.subarray(slot.offset, slot.offset + slot.size)), [...slot.shape]));
}
