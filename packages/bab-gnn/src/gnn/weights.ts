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

/**
 * Builds a model and loads saved weights into it; throws naming the parameter on missing,
 * unknown, mis-sized or non-finite values, and on a malformed config.
 */
export function loadGnnWeights(weights: GnnWeights): BranchingGnn {
  if (!weights || typeof weights !== 'object' || !weights.config || typeof weights.config !== 'object' || !weights.parameters || typeof weights.parameters !== 'object') {
    throw new Error('loadGnnWeights: weights must be an object { config: { embedding, rounds }, parameters }');
  }
  const model = new BranchingGnn(weights.config);
  try {
    const known = new Set<string>();
    for (const [name, p] of model.namedParameters()) {
      known.add(name);
      const values = weights.parameters[name];
      if (!values) throw new Error(`loadGnnWeights: parameter '${name}' is missing`);
      if (!Array.isArray(values) || values.length !== p.value.size) {
        throw new Error(`loadGnnWeights: parameter '${name}' has ${Array.isArray(values) ? values.length : 'no array of'} values, expected ${p.value.size} (config embedding ${model.config.embedding})`);
      }
      const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
      if (bad >= 0) throw new Error(`loadGnnWeights: parameter '${name}' value ${bad} is ${typeof values[bad] === 'number' ? values[bad] : JSON.stringify(values[bad])}, expected a finite number`);
      p.assign(t.tensor(Float32Array.from(values), p.value.shape));
    }
    const unknown = Object.keys(weights.parameters).filter((n) => !known.has(n));
    if (unknown.length) throw new Error(`loadGnnWeights: unknown parameter(s) ${unknown.map((n) => `'${n}'`).join(', ')} (weights of another model?)`);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
