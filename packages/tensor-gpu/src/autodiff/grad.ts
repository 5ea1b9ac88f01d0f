import type { Engine, Tape } from '../engine';
import { fmt } from '../shape';
import { Tensor } from '../tensor';
import { elementwise } from '../ops/elementwise';
import { fromHost } from '../ops/creation';

/** Gradients shaped like the arguments: a tensor, an array or a plain object of tensors; null elsewhere. */
export type GradsOf<T> = T extends Tensor
  ? Tensor
  : T extends readonly unknown[]
    ? { [K in keyof T]: GradsOf<T[K]> }
    : T extends Record<string, unknown>
      ? { [K in keyof T]: GradsOf<T[K]> }
      : null;

/** What a function made by `valueAndGrad` returns. */
export interface ValueAndGrads<A extends unknown[]> {
  /** The scalar value of the function. */
  value: Tensor;
  /** One gradient per tensor argument, mirroring the argument structure. */
  grads: GradsOf<A>;
}

function visitTensors(value: unknown, visit: (t: Tensor) => void, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) visit(value);
  else if (Array.isArray(value)) for (const v of value) visitTensors(v, visit, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) visitTensors(v, visit, depth + 1);
}

function mapTensors(value: unknown, map: (t: Tensor) => Tensor, depth = 0): unknown {
  if (value instanceof Tensor) return map(value);
  if (depth > 4 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) return value.map((v) => mapTensors(v, map, depth + 1));
  if (Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapTensors(v, map, depth + 1)]));
  }
  return null;
}

/** Propagates `dValue` backwards through the tape; returns gradients by tensor id. */
function backprop(tape: Tape, value: Tensor): Map<number, Tensor> {
  const grads = new Map<number, Tensor>();
  grads.set(value.id, fromHost(value.engine, new Float32Array(value.size).fill(1), value.shape));
  for (let i = tape.entries.length - 1; i >= 0; i--) {
    const entry = tape.entries[i];
    const dy = grads.get(entry.output.id);
    if (!dy) continue;
    const inputGrads = entry.backward(dy, entry.inputs.map((x) => tape.watched.has(x.id)));
    entry.inputs.forEach((x, k) => {
      const g = inputGrads[k];
      if (!g || !tape.watched.has(x.id)) return;
      if (g.shape.length !== x.shape.length || g.shape.some((d, j) => d !== x.shape[j])) {
        throw new Error(`valueAndGrad: a backward rule returned a gradient of shape ${fmt(g.shape)} for an input of shape ${fmt(x.shape)}`);
      }
      const previous = grads.get(x.id);
      grads.set(x.id, previous ? elementwise('add', previous, g) : g);
    });
  }
  return grads;
}

function engineOfArgs(args: unknown[], op: string): Engine {
  let engine: Engine | null = null;
  for (const a of args) visitTensors(a, (t) => (engine ??= t.engine));
  if (!engine) throw new Error(`${op}: the function's arguments contain no Tensor to differentiate with respect to`);
  return engine;
}

/**
 * Turns `f` (returning a scalar tensor) into a function that returns its value and the gradient
 * with respect to every tensor in its arguments (tensors, arrays or plain objects of tensors).
 * Intermediate tensors are freed; the value and the gradients belong to the caller.
 *
 * `grads` has the structure of the argument list: `grads[i]` mirrors argument `i`. An argument
 * that `f` does not use gets a gradient of zeros; `f` returning more than one value throws. To
 * differentiate a module's loss, pass its parameter tensors (`model.trainableParameters()`
 * mapped to `p.value`) even if `f` reads them through the module.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const x = t.tensor([1, 2, 3]);
 * const w = t.tensor([0.5, -1, 2]);
 * // f(w) = Σ (x·w)²: the gradient is 2·x²·w.
 * const f = (w: t.Tensor) => t.sum(t.square(t.mul(x, w)));
 * const { value, grads } = t.valueAndGrad(f)(w);
 * console.log(await value.data()); // → Float32Array(1) [ 40.25 ]
 * console.log(await grads[0].data()); // → Float32Array(3) [ 1, -8, 36 ]
 * // Arguments may be arrays or plain objects of tensors; the gradients have the same structure.
 * const g = t.valueAndGrad((p: { a: t.Tensor; b: t.Tensor }) => t.sum(t.mul(p.a, p.b)))({ a: x, b: w });
 * console.log(await g.grads[0].b.data()); // → Float32Array(3) [ 1, 2, 3 ]
 * ```
 */
export function valueAndGrad<A extends unknown[]>(f: (...args: A) => Tensor): (...args: A) => ValueAndGrads<A> {
  if (typeof f !== 'function') throw new Error('valueAndGrad: expected a function');
  return (...args: A) => {
    const engine = engineOfArgs(args, 'valueAndGrad');
    const tape: Tape = { entries: [], watched: new Set(), held: new Set() };
    visitTensors(args, (t) => {
      t.assertLive('valueAndGrad');
      tape.watched.add(t.id);
    });
    engine.pushTape(tape);
    try {
      return engine.tidy(() => {
        let result: Tensor;
        try {
          result = f(...args);
        } finally {
          // Stop recording before anything is freed, so the tape no longer holds the forward pass.
          engine.removeTape(tape);
        }
        if (!(result instanceof Tensor)) throw new Error('valueAndGrad: f must return a Tensor');
        const value = args.includes(result) ? elementwise('identity', result) : result;
        if (value.size !== 1) throw new Error(`valueAndGrad: f must return a scalar (one value), got shape ${fmt(value.shape)}`);
        const byId = backprop(tape, result);
        // Every returned gradient is a distinct tensor the caller may dispose independently.
        const handedOut = new Set<Tensor>();
        visitTensors(args, (t) => handedOut.add(t));
        const grads = mapTensors(args, (t) => {
          const g = byId.get(t.id) ?? fromHost(engine, new Float32Array(t.size), t.shape);
          const own = handedOut.has(g) ? elementwise('identity', g) : g;
          handedOut.add(own);
          return own;
        }) as GradsOf<A>;
        return { value, grads };
      });
    } finally {
      engine.removeTape(tape);
    }
  };
}

/**
 * Like `valueAndGrad`, returning only the gradients (the value is freed).
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * const square = t.grad((x: t.Tensor) => t.sum(t.square(x)));
 * const [dx] = square(t.tensor([1, -2, 3]));
 * console.log(await dx.data()); // → Float32Array(3) [ 2, -4, 6 ]
 * ```
 */
export function grad<A extends unknown[]>(f: (...args: A) => Tensor): (...args: A) => GradsOf<A> {
  const vg = valueAndGrad(f);
  return (...args: A) => {
    const { value, grads } = vg(...args);
    value.dispose();
    return grads;
  };
}

/** What a custom backward rule receives besides the output gradient. */
export interface CustomGradContext<I extends Tensor[]> {
  /** The inputs of the forward call. */
  inputs: I;
  /** The output of the forward call. */
  output: Tensor;
}

/**
 * An op with a user-defined gradient: `forward` computes the output (not recorded), `backward`
 * maps the output gradient to one gradient (or null) per input. This is how feedback alignment
 * and per-layer loss scaling replace a layer's backward pass.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 *
 * // A straight-through rounding: rounds forward, passes the gradient through unchanged.
 * const roundSte = t.customGrad(
 *   (x: t.Tensor) => t.floor(t.add(x, 0.5)),
 *   (dy) => [dy],
 * );
 * const x = t.tensor([0.2, 1.7]);
 * console.log(await roundSte(x).data()); // → Float32Array(2) [ 0, 2 ]
 * const [dx] = t.grad((x: t.Tensor) => t.sum(t.mul(roundSte(x), 3)))(x);
 * console.log(await dx.data()); // → Float32Array(2) [ 3, 3 ]
 * ```
 */
export function customGrad<I extends Tensor[]>(
  forward: (...inputs: I) => Tensor,
  backward: (dy: Tensor, context: CustomGradContext<I>) => readonly (Tensor | null)[],
): (...inputs: I) => Tensor {
  if (typeof forward !== 'function' || typeof backward !== 'function') {
    throw new Error('customGrad: expected forward and backward functions');
  }
  return (...inputs: I) => {
    const engine = engineOfArgs(inputs, 'customGrad');
    const output = engine.tidy(() => engine.noGrad(() => forward(...inputs)));
    if (!(output instanceof Tensor)) throw new Error('customGrad: forward must return a Tensor');
    engine.record(output, inputs, (dy) => {
      const grads = backward(dy, { inputs, output });
      if (!Array.isArray(grads) || grads.length !== inputs.length) {
        throw new Error(`customGrad: backward must return one gradient (or null) per input (${inputs.length}), got ${Array.isArray(grads) ? grads.length : typeof grads}`);
      }
      return grads;
    });
    return output;
  };
}
