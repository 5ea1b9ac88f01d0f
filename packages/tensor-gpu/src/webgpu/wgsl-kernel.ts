import type { KernelSpec, OutputPrecision } from '../backend/kernel-spec';

/**
 * One dispatch of a WGSL compute shader. Binding convention (group 0): binding 0 is the uniform
 * `params` (present when `uniforms` is given), bindings 1..n the tensor inputs in argument order
 * (`var<storage, read>` of f32), binding n+1 the output (`var<storage, read_write>` of f32).
 */
export interface WgslProgram {
  /**
   * Identity of the compiled pipeline: two programs with the same key must have the same `code`.
   * Put the shape class in it (what `code` bakes in), not sizes passed through `uniforms`, so
   * that one pipeline serves many shapes.
   */
  readonly key: string;
  /** The WGSL source, asked for only when `key` has no pipeline yet. */
  readonly code: () => string;
  /** Workgroups to dispatch along x, y and z. */
  readonly workgroups: readonly [number, number, number];
  /** Contents of the `params` uniform (a multiple of 16 bytes), if the shader has one. */
  readonly uniforms?: ArrayBuffer;
}

/**
 * A primitive's WebGPU implementation: from the kernel spec (its `params` carry the geometry),
 * the scalar arguments in argument order and the output precision, the program to dispatch; or
 * null to decline (the spec's portable source then runs, translated to WGSL).
 */
export type WgslKernel<P = any> = (spec: KernelSpec<P>, scalars: readonly number[], precision: OutputPrecision) => WgslProgram | null;
