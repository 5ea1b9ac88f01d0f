import { fromHost } from '../ops/creation';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import type { Module } from './module';

/** One tensor of a state dict: its shape and row-major float32 values. */
export interface StateEntry {
  /** Size of each axis. */
  shape: number[];
  /** Row-major values (length = product of `shape`). */
  data: Float32Array;
}

/** Named tensors of a module, keyed by dotted names (`'0.weight'`, `'1.runningMean'`), as PyTorch's state dicts. */
export type StateDict = Record<string, StateEntry>;

/** Every tensor of a module's state: parameters and buffers (running statistics) with their holders. */
function stateTensors(module: Module): Map<string, { value: Tensor; assign(next: Tensor): void }> {
  const out = new Map<string, { value: Tensor; assign(next: Tensor): void }>();
  for (const [name, p] of module.namedParameters()) out.set(name, p);
  for (const [name, b] of module.namedBuffers()) {
    if (out.has(name)) throw new Error(`stateDict: name '${name}' is used by a parameter and a buffer`);
    out.set(name, b);
  }
  return out;
}

/**
 * Reads a module's state back: every parameter (in `namedParameters` order) then every buffer
 * (running statistics), as fresh Float32Arrays keyed by dotted name.
 */
export async function stateDict(module: Module): Promise<StateDict> {
  const out: StateDict = {};
  for (const [name, holder] of stateTensors(module)) {
    out[name] = { shape: [...holder.value.shape], data: await holder.value.data() };
  }
  return out;
}

/**
 * Loads values into a module. Every name of the module must be present with the same shape and
 * the dict must hold no other names; everything is checked before anything is replaced. Each
 * tensor is replaced through `Parameter.assign` (or the buffer's `assign`), which disposes the
 * previous one; the new tensors are kept alive past enclosing `tidy` scopes.
 */
export function loadStateDict(module: Module, dict: StateDict): void {
  if (dict === null || typeof dict !== 'object') throw new Error(`loadStateDict: expected a state dict object, got ${dict === null ? 'null' : typeof dict}`);
  const targets = stateTensors(module);
  const missing = [...targets.keys()].filter((k) => !Object.prototype.hasOwnProperty.call(dict, k));
  if (missing.length > 0) {
    throw new Error(`loadStateDict: missing key(s) ${missing.map((k) => `'${k}' (shape ${fmt(targets.get(k)!.value.shape)})`).join(', ')}`);
  }
  const unexpected = Object.keys(dict).filter((k) => !targets.has(k));
  if (unexpected.length > 0) throw new Error(`loadStateDict: unexpected key(s) ${unexpected.map((k) => `'${k}'`).join(', ')} not in the module`);
  for (const [name, holder] of targets) {
    const entry = dict[name];
    const want = holder.value.shape;
    if (!entry || !Array.isArray(entry.shape) || !(entry.data instanceof Float32Array)) {
      throw new Error(`loadStateDict: key '${name}' must be { shape: number[], data: Float32Array }`);
    }
    if (entry.shape.length !== want.length || entry.shape.some((d, i) => d !== want[i])) {
      throw new Error(`loadStateDict: key '${name}' has shape ${fmt(entry.shape)} in the state dict but ${fmt(want)} in the module`);
    }
    if (entry.data.length !== holder.value.size) {
      throw new Error(`loadStateDict: key '${name}' has ${entry.data.length} values but shape ${fmt(want)} needs ${holder.value.size}`);
    }
  }
  for (const [name, holder] of targets) {
    const engine = holder.value.engine;
    holder.assign(engine.keep(fromHost(engine, dict[name].data.slice(), holder.value.shape)));
  }
}
