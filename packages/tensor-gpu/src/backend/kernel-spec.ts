/**
 * One run of a primitive: its name, the portable gpu.js source with the shapes baked in, the flat
 * output length, and the parameters that other implementations of the same primitive read.
 *
 * The gpu.js `source` runs on every backend. Where a faster implementation of the primitive is
 * registered for the current backend (see {@link KernelRegistry}), that one runs instead; it must
 * compute what `source` computes.
 */
export interface KernelSpec<P = unknown> {
  /** Name of the primitive: the key into the kernel registry, also used in errors and statistics. */
  readonly name: string;
  /** gpu.js kernel source (`function (a, b) { ... }`); shapes are baked into the text. */
  readonly source: string;
  /** Number of output values (the kernel's 1-D output size). */
  readonly outSize: number;
  /** Longest loop in the kernel, so gpu.js's loop limit never truncates a reduction. */
  readonly loopMax?: number;
  /** What registered implementations need beyond their inputs (for example a matmul's geometry). */
  readonly params?: P;
}

/**
 * An implementation of a primitive over host arrays, for backends whose tensors live in host
 * memory (`cpu`, `webasm`): the tensor inputs in argument order, the output to fill (of length
 * `spec.outSize`), the scalar arguments in argument order, and `spec.params`. A plain loop (or
 * WebAssembly working on copies of the inputs) can share loads between outputs, which a gpu.js
 * kernel, one output per thread, cannot.
 */
export type HostKernel<P = any> = (inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[], params: P) => void;

/** How a kernel's output is stored: float32, or rounded to binary16 inside the kernel. */
export type OutputPrecision = 'float32' | 'float16';
