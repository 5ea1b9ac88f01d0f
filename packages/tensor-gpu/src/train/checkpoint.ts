// A training checkpoint as one state dict — the model, the optimizer's state and a few counters —
// so a long run can stop and resume where it was. Browser-safe: encode it with
// `nn.encodeStateDict` and store the bytes wherever the caller keeps files.
import type { Module } from '../nn/module';
import { loadStateDict, stateDict, type StateDict } from '../nn/state';
import type { Optimizer } from '../optim/optimizer';

const MODEL = 'model.';
const OPTIMIZER = 'optimizer.';
const META = 'meta.';

/** What {@link checkpointStateDict} stores. */
export interface TrainingCheckpoint {
  /** The model: its parameters and buffers (BatchNorm running statistics). */
  model: Module;
  /** The optimizer, whose state (step count, momentum, moments) is stored for `model`'s parameters. */
  optimizer: Optimizer;
  /** Counters of the caller (epochs or steps done, ...), integers exact in float32. */
  meta: Readonly<Record<string, number>>;
}

const withPrefix = (prefix: string, dict: StateDict): StateDict => Object.fromEntries(Object.entries(dict).map(([k, v]) => [prefix + k, v]));
const underPrefix = (prefix: string, dict: StateDict): StateDict =>
  Object.fromEntries(Object.entries(dict).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));

/**
 * One state dict of model, optimizer state and `meta` (keys `model.*`, `optimizer.*`, `meta.*`).
 *
 * @throws Error when a meta value is not an integer that float32 holds exactly (|v| ≤ 2^24).
 */
export async function checkpointStateDict(checkpoint: TrainingCheckpoint): Promise<StateDict> {
  const meta: StateDict = {};
  for (const [name, value] of Object.entries(checkpoint.meta)) {
    if (!Number.isInteger(value) || Math.abs(value) > 2 ** 24) throw new Error(`checkpointStateDict: meta.${name} must be an integer within ±2^24 (a counter), got ${String(value)}`);
    meta[name] = { shape: [1], data: Float32Array.of(value) };
  }
  return {
    ...withPrefix(MODEL, await stateDict(checkpoint.model)),
    ...withPrefix(OPTIMIZER, await checkpoint.optimizer.stateDict(checkpoint.model.namedParameters())),
    ...withPrefix(META, meta),
  };
}

/**
 * Loads a dict made by {@link checkpointStateDict} into `model` and `optimizer` (names and shapes
 * must match) and returns its counters.
 *
 * @throws loadStateDict's error for a model or optimizer that does not match the dict.
 */
export function restoreCheckpoint(dict: StateDict, model: Module, optimizer: Optimizer): Record<string, number> {
  loadStateDict(model, underPrefix(MODEL, dict));
  optimizer.loadStateDict(model.namedParameters(), underPrefix(OPTIMIZER, dict));
  return Object.fromEntries(Object.entries(underPrefix(META, dict)).map(([k, v]) => [k, v.data[0]]));
}
