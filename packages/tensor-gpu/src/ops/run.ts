import type { KernelSpec, OutputPrecision } from '../backend/kernel-spec';
import type { DType } from '../dtype';
import type { Engine } from '../engine';
import { fmt, type Shape } from '../shape';
import { Tensor } from '../tensor';

/**
 * Runs a kernel on the engine's current device and wraps the output in a tensor. `args` are the
 * kernel's arguments in order: tensors, or numbers passed as scalar arguments. The engine's kernel
 * registry chooses the implementation for the current backend (the gpu.js source where it names none).
 * `precision` is how the device stores the output: by default as `dtype` says; `'float32'` for a
 * float16 result whose kernel rounds to binary16 itself.
 */
export function runKernel(engine: Engine, spec: KernelSpec, args: readonly (Tensor | number)[], shape: Shape, dtype: DType = 'float32', precision: OutputPrecision = dtype): Tensor {
  const device = engine.currentDevice();
  for (const x of args) {
    if (!(x instanceof Tensor)) continue;
    x.assertLive(spec.name);
    if (x.buffer && !device.owns(x.buffer)) {
      throw new Error(`${spec.name}: tensor #${x.id} ${fmt(x.shape)} lives on another backend than '${device.backend}'; create it after setBackend or copy it with tensor(await x.data(), x.shape)`);
    }
  }
  if (spec.outSize === 0) return engine.makeTensor(shape, dtype, null);
  // A float16 result runs a host implementation registered for float16 outputs, which rounds
  // itself, unless the engine was asked for the portable reference.
  const portable = precision === 'float16' && engine.getFloat16Kernels() === 'portable';
  const host = portable ? undefined : engine.kernels.implementation(spec.name, device.backend, precision);
  return engine.makeTensor(shape, dtype, device.run(spec, args.map((x) => (x instanceof Tensor ? x.buffer! : x)), precision, host));
}

/** The engine of the first tensor among `values`; throws naming `op` when there is none. */
export function engineOf(op: string, ...values: unknown[]): Engine {
  for (const v of values) if (v instanceof Tensor) return v.engine;
  throw new Error(`${op}: expected at least one Tensor argument`);
}

/** Throws a clear error unless `x` is a live Tensor; `arg` names the argument. */
export function checkTensor(x: unknown, op: string, arg = 'x'): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: ${arg} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  x.assertLive(op);
}

/**
 * The dtype of an op's result: float16 when every tensor operand is float16, otherwise float32
 * (mixed float16/float32 arithmetic promotes to float32, as in PyTorch; plain numbers do not count).
 */
export function resultDtype(...values: unknown[]): DType {
  let any = false;
  for (const v of values) {
    if (v instanceof Tensor) {
      if (v.dtype !== 'float16') return 'float32';
      any = true;
    }
  }
  return any ? 'float16' : 'float32';
}
