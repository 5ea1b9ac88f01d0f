import type { Parameter } from '../nn/parameter';
import type { StateDict, StateEntry } from '../nn/state';
import { fromHost } from '../ops/creation';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import type { StateStore } from './state';

/**
 * Parameters with their names, as `module.namedParameters()` returns them. An optimizer keeps its
 * state per `Parameter` object; the names are what a saved state dict is keyed by, so that it
 * loads into a fresh model and optimizer.
 */
export type NamedParameters = ReadonlyArray<readonly [string, Parameter]>;

/** Key of the optimizer's step count in its state dict (a scalar). */
export const STEP_COUNT_KEY = 'stepCount';

/** Suffix of a parameter's own update count (Adam's bias corrections), `'<name>.updates'`. */
export const UPDATE_COUNT_SUFFIX = 'updates';

/** Largest count a state dict holds exactly: values are float32, exact for integers up to 2^24. */
export const MAX_SAVED_COUNT = 2 ** 24;

/** Everything an optimizer's next update reads besides the parameters, gradients and its options. */
export interface SavedOptimizerState {
  /** The optimizer's name, used in errors. */
  owner: string;
  /** Names of the tensors `store` holds for a parameter once it has been updated (none for plain SGD). */
  stateKeys: readonly string[];
  /** The per-parameter state tensors. */
  store: StateStore;
  /** Updates applied to each parameter, for rules that count them per parameter (Adam). */
  counts?: Map<Parameter, number>;
}

function checkNamedParameters(where: string, params: NamedParameters): Map<string, Parameter> {
  const hint = 'pass module.namedParameters(): [name, Parameter] pairs';
  if (!Array.isArray(params)) throw new Error(`${where}: params must be an array; ${hint}`);
  const byName = new Map<string, Parameter>();
  const seen = new Set<Parameter>();
  params.forEach((pair, i) => {
    const [name, p] = Array.isArray(pair) ? pair : [];
    if (typeof name !== 'string' || name === '' || !p || typeof p !== 'object' || !('value' in p)) throw new Error(`${where}: params[${i}] is not a [name, Parameter] pair; ${hint}`);
    if (byName.has(name)) throw new Error(`${where}: params name '${name}' twice`);
    if (seen.has(p)) throw new Error(`${where}: params[${i}] ('${name}') is a parameter already named earlier`);
    byName.set(name, p);
    seen.add(p);
  });
  return byName;
}

const scalar = (value: number): StateEntry => ({ shape: [], data: Float32Array.of(value) });

function checkCount(where: string, what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_SAVED_COUNT) {
    throw new Error(`${where}: ${what} ${value} cannot be saved exactly (state dicts hold float32 values: integers in [0, ${MAX_SAVED_COUNT}])`);
  }
}

/**
 * The state dict of an optimizer: `stepCount` (a scalar), then for each named parameter that has
 * state its tensors as `'<name>.<key>'` (e.g. `'0.weight.momentum'`, `'0.weight.m'`) and, for
 * rules that count updates per parameter, `'<name>.updates'`. Throws when the optimizer holds
 * state for a parameter that `params` does not name (it would be lost).
 */
export async function saveOptimizerState(saved: SavedOptimizerState, stepCount: number, params: NamedParameters): Promise<StateDict> {
  const where = `${saved.owner}.stateDict`;
  saved.store.assertLive();
  const byName = checkNamedParameters(where, params);
  const named = new Set(byName.values());
  const unnamed = saved.store.parameters().filter((p) => !named.has(p));
  if (unnamed.length > 0) throw new Error(`${where}: the optimizer holds state for ${unnamed.length} parameter(s) that params does not name; pass the names of every parameter it updated`);
  checkCount(where, 'stepCount', stepCount);
  const dict: StateDict = { [STEP_COUNT_KEY]: scalar(stepCount) };
  for (const [name, p] of byName) {
    const state = saved.store.get(p);
    if (!state) continue;
    for (const key of saved.stateKeys) {
      const tensor = state[key];
      dict[`${name}.${key}`] = { shape: [...tensor.shape], data: await tensor.data() };
    }
    if (saved.counts) {
      const count = saved.counts.get(p) ?? 0;
      checkCount(where, `the update count of '${name}'`, count);
      dict[`${name}.${UPDATE_COUNT_SUFFIX}`] = scalar(count);
    }
  }
  return dict;
}

function readScalar(where: string, dict: StateDict, key: string): number {
  const entry = dict[key];
  if (!entry || !Array.isArray(entry.shape) || entry.shape.length !== 0 || !(entry.data instanceof Float32Array) || entry.data.length !== 1) {
    throw new Error(`${where}: key '${key}' must be a scalar { shape: [], data: Float32Array of 1 value }`);
  }
  const value = entry.data[0];
  if (!Number.isInteger(value) || value < 0) throw new Error(`${where}: key '${key}' must hold a non-negative integer, got ${value}`);
  return value;
}

function checkTensorEntry(where: string, key: string, entry: StateEntry, want: readonly number[]): void {
  if (!entry || !Array.isArray(entry.shape) || !(entry.data instanceof Float32Array)) throw new Error(`${where}: key '${key}' must be { shape: number[], data: Float32Array }`);
  if (entry.shape.length !== want.length || entry.shape.some((d, i) => d !== want[i])) {
    throw new Error(`${where}: key '${key}' has shape ${fmt(entry.shape)} in the state dict but the parameter has shape ${fmt(want)}`);
  }
  const size = want.reduce((a, b) => a * b, 1);
  if (entry.data.length !== size) throw new Error(`${where}: key '${key}' has ${entry.data.length} values but shape ${fmt(want)} needs ${size}`);
}

/**
 * Replaces the optimizer's whole state with `dict` (see {@link saveOptimizerState}) and returns the
 * saved step count. Everything is checked before anything changes: the dict must hold `stepCount`,
 * only keys of named parameters and of this rule, every state tensor of a parameter or none, the
 * parameter's shape, and counts that agree (no state at step 0; per-parameter counts in
 * `[1, stepCount]`, present exactly where state is).
 */
export function loadOptimizerState(saved: SavedOptimizerState, params: NamedParameters, dict: StateDict): number {
  const where = `${saved.owner}.loadStateDict`;
  saved.store.assertLive();
  if (dict === null || typeof dict !== 'object') throw new Error(`${where}: expected a state dict object, got ${dict === null ? 'null' : typeof dict}`);
  const byName = checkNamedParameters(where, params);
  if (!Object.prototype.hasOwnProperty.call(dict, STEP_COUNT_KEY)) throw new Error(`${where}: missing key '${STEP_COUNT_KEY}' (the optimizer's step count)`);
  const stepCount = readScalar(where, dict, STEP_COUNT_KEY);
  const perParameterKeys = saved.counts ? [...saved.stateKeys, UPDATE_COUNT_SUFFIX] : [...saved.stateKeys];
  const found = new Map<string, Set<string>>();
  const unexpected: string[] = [];
  for (const key of Object.keys(dict)) {
    if (key === STEP_COUNT_KEY) continue;
    const dot = key.lastIndexOf('.');
    const name = key.slice(0, dot);
    const suffix = key.slice(dot + 1);
    if (dot <= 0 || !byName.has(name) || !perParameterKeys.includes(suffix)) unexpected.push(key);
    else found.set(name, (found.get(name) ?? new Set()).add(suffix));
  }
  if (unexpected.length > 0) {
    const expected = perParameterKeys.length > 0 ? `'<parameter>.${perParameterKeys.join("', '<parameter>.")}' for the named parameters` : 'no per-parameter state';
    throw new Error(`${where}: unexpected key(s) ${unexpected.map((k) => `'${k}'`).join(', ')}; ${saved.owner} holds '${STEP_COUNT_KEY}' and ${expected}`);
  }
  const counts = new Map<Parameter, number>();
  for (const [name, suffixes] of found) {
    const missing = perParameterKeys.filter((s) => !suffixes.has(s));
    if (missing.length > 0) throw new Error(`${where}: parameter '${name}' has ${[...suffixes].map((s) => `'${name}.${s}'`).join(', ')} but is missing ${missing.map((s) => `'${name}.${s}'`).join(', ')}`);
    if (stepCount === 0) throw new Error(`${where}: '${STEP_COUNT_KEY}' is 0 but the dict holds state for parameter '${name}' (state exists only after an update)`);
    const p = byName.get(name)!;
    for (const key of saved.stateKeys) checkTensorEntry(where, `${name}.${key}`, dict[`${name}.${key}`], p.value.shape);
    if (saved.counts) {
      const count = readScalar(where, dict, `${name}.${UPDATE_COUNT_SUFFIX}`);
      if (count < 1 || count > stepCount) throw new Error(`${where}: '${name}.${UPDATE_COUNT_SUFFIX}' is ${count} but must be in [1, ${stepCount}] (at least one update, at most '${STEP_COUNT_KEY}')`);
      counts.set(p, count);
    }
  }
  const next = new Map<Parameter, Record<string, Tensor>>();
  for (const name of found.keys()) {
    const p = byName.get(name)!;
    const engine = p.value.engine;
    next.set(p, Object.fromEntries(saved.stateKeys.map((key) => [key, fromHost(engine, dict[`${name}.${key}`].data.slice(), p.value.shape)])));
  }
  saved.store.replaceAll(next);
  if (saved.counts) {
    saved.counts.clear();
    for (const [p, count] of counts) saved.counts.set(p, count);
  }
  return stepCount;
}
