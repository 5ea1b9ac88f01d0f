/** Saving and loading GNN weights as plain JSON-friendly data. */
import * as t from '@nnlab/tensor-gpu';
import { BranchingGnn, type GnnConfig } from './model';

/** A saved GNN: its sizes and every parameter by name (row-major values). */
export interface GnnWeights {
  /** Sizes the model was built with. */
  readonly config: GnnConfig;
  /** Parameter values by name (`namedParameters()` names). */
  readonly parameters: Readonly<Record<string, readonly number[]>>;
  /** Free-form notes (how it was trained). */
  readonly note?: string;
}

/** Reads a model's weights back to the host. */
export async function saveGnnWeights(model: BranchingGnn, note?: string): Promise<GnnWeights> {
  const parameters: Record<string, number[]> = {};
  for (const [name, p] of model.namedParameters()) parameters[name] = Array.from(await p.value.data(), (v) => Math.fround(v));
  return { config: { ...model.config }, parameters, ...(note ? { note } : {}) };
}

/** Builds a model and loads saved weights into it; throws on missing or mis-sized parameters. */
export function loadGnnWeights(weights: GnnWeights): BranchingGnn {
  if (!weights || typeof weights !== 'object' || !weights.config || !weights.parameters) throw new Error('loadGnnWeights: expected { config, parameters }');
  const model = new BranchingGnn(weights.config);
  for (const [name, p] of model.namedParameters()) {
    const values = weights.parameters[name];
    if (!values) {
      model.dispose();
      throw new Error(`loadGnnWeights: parameter '${name}' is missing`);
    }
    if (values.length !== p.value.size) {
      model.dispose();
      throw new Error(`loadGnnWeights: parameter '${name}' has ${values.length} values, expected ${p.value.size}`);
    }
    p.assign(t.tensor(Float32Array.from(values), p.value.shape));
  }
  return model;
}
