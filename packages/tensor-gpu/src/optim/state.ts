import type { Parameter } from '../nn/parameter';
import type { Tensor } from '../tensor';
import type { OptimizerState } from './optimizer';

/**
 * Per-parameter optimizer state that survives `tidy`: every stored tensor is kept, a replaced one
 * is disposed at once, and `dispose` frees them all. Keyed by the `Parameter` object.
 */
export class StateStore {
  private readonly byParam = new Map<Parameter, Record<string, Tensor>>();
  private disposed = false;

  constructor(private readonly owner: string) {}

  /** The state of `param`, or undefined before its first update. */
  get(param: Parameter): OptimizerState | undefined {
    return this.byParam.get(param);
  }

  /** Stores `next` as the state of `param` (kept alive) and disposes the tensors it replaces. */
  set(param: Parameter, next: Record<string, Tensor>): void {
    this.assertLive();
    for (const t of Object.values(next)) t.engine.keep(t);
    const old = this.byParam.get(param);
    this.byParam.set(param, next);
    if (old) for (const [k, t] of Object.entries(old)) if (next[k] !== t) t.dispose();
  }

  /** The parameters that have state, in the order they first got it. */
  parameters(): Parameter[] {
    return [...this.byParam.keys()];
  }

  /** Replaces the whole state with `next` (its tensors kept alive) and disposes every tensor it held before. */
  replaceAll(next: ReadonlyMap<Parameter, Record<string, Tensor>>): void {
    this.assertLive();
    const old = [...this.byParam.values()];
    this.byParam.clear();
    for (const [param, state] of next) {
      for (const t of Object.values(state)) t.engine.keep(t);
      this.byParam.set(param, state);
    }
    for (const s of old) for (const t of Object.values(s)) t.dispose();
  }

  /** Throws once the store was disposed. */
  assertLive(): void {
    if (this.disposed) throw new Error(`${this.owner}: the optimizer was disposed`);
  }

  /** Disposes every state tensor. Safe to call twice. */
  dispose(): void {
    for (const s of this.byParam.values()) for (const t of Object.values(s)) t.dispose();
    this.byParam.clear();
    this.disposed = true;
  }
}

/** Replaces a parameter's value with `next`, kept alive past the enclosing `tidy` (the old value is disposed). */
export function assignKept(param: Parameter, next: Tensor): void {
  next.engine.keep(next);
  param.assign(next);
}
