import * as gpujs from 'gpu.js';
import type { KernelSpec } from '../backend/kernel-spec';
import type { WgslProgram } from './wgsl-kernel';

/** Threads per workgroup of gpu.js's one-dimensional WGSL kernels. */
const THREADS = 64;

/** A gpu.js source translated to WGSL, and where its arguments sit in the `params` uniform. */
export interface TranslatedKernel {
  readonly code: string;
  /** Byte offset of each argument's slot in `params`: a vec4<u32> of sizes for arrays, an f32 for scalars. */
  readonly offsets: readonly number[];
  readonly byteLength: number;
}

/**
 * Translates a portable kernel (gpu.js source, one output per thread) to WGSL with gpu.js's own
 * WebGPU translator, the code gpu.js itself would run on WebGPU; tensor-gpu then dispatches it on
 * its own device and buffers. `argKinds` gives each argument: 'array' (a tensor) or 'scalar'.
 * Scalars are always f32, so that a learning rate of 1 and one of 0.1 share a pipeline.
 */
export function translatePortable(source: string, argKinds: readonly ('array' | 'scalar')[], loopMax: number): TranslatedKernel {
  const Kernel = (gpujs as any).WebGPUKernel ?? (gpujs as any).default?.WebGPUKernel;
  if (typeof Kernel !== 'function') throw new Error('tensor-gpu: gpu.js exports no WebGPUKernel (gpu.js 2.24.1 is required)');
  const kernel = new Kernel(source, {
    output: [1],
    precision: 'single',
    argumentTypes: argKinds.map((k) => (k === 'array' ? 'Array' : 'Float')),
    loopMaxIterations: loopMax,
  });
  kernel.setupConstants();
  kernel.setupArguments(argKinds.map((k) => (k === 'array' ? new Float32Array(1) : 0.5)));
  kernel.threadDim = [1, 1, 1];
  kernel.translateSource();
  const layout = kernel.computeParamsLayout();
  kernel.paramsLayout = layout;
  const code: string = kernel.assembleWGSL();
  const offsets = new Array<number>(argKinds.length);
  for (const a of layout.arrayArgs) offsets[a.index] = a.dimsOffset;
  for (const s of layout.scalarArgs) offsets[s.index] = s.offset;
  if (layout.randomSeedOffset !== null || layout.bufferConstants.length > 0) {
    throw new Error('tensor-gpu: portable kernels may not draw random numbers or use constants on webgpu');
  }
  return { code, offsets, byteLength: layout.byteLength };
}

/**
 * The dispatch of a translated kernel over `outSize` outputs: 64 threads a workgroup, folded
 * into a second dimension past the per-dimension limit (the shader rebuilds the flat index).
 */
export function portableProgram(
  key: string,
  layout: TranslatedKernel,
  spec: KernelSpec,
  args: readonly ({ length: number } | number)[],
  maxGroups: number,
): WgslProgram {
  const groups = Math.ceil(spec.outSize / THREADS);
  const x = Math.min(groups, maxGroups);
  const y = Math.ceil(groups / x);
  const uniforms = new ArrayBuffer(layout.byteLength);
  const u32 = new Uint32Array(uniforms);
  const f32 = new Float32Array(uniforms);
  u32.set([spec.outSize, 1, 1, x * THREADS]);
  args.forEach((a, i) => {
    const at = layout.offsets[i] / 4;
    if (typeof a === 'number') f32[at] = a;
    else u32.set([a.length, 1, 1, a.length], at);
  });
  return { key, code: () => layout.code, workgroups: [x, y, 1], uniforms };
}
