import { COMPUTE_STAGE } from './usage';
import type { WgslProgram } from './wgsl-kernel';

/** A compiled program and the bind group layout its dispatches use. */
export interface CachedPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/**
 * Compute pipelines by program key, compiled on first use. Layouts are explicit (not 'auto'),
 * so a binding the shader never reads is still accepted.
 */
export class PipelineCache {
  private readonly cache = new Map<string, CachedPipeline>();

  constructor(private readonly device: GPUDevice) {}

  /** Pipelines compiled so far. */
  get size(): number {
    return this.cache.size;
  }

  /** The pipeline of `program`, with `inputs` read-only storage bindings and a uniform when `hasUniforms`. */
  get(program: WgslProgram, inputs: number, hasUniforms: boolean): CachedPipeline {
    const key = `${inputs}|${hasUniforms}|${program.key}`;
    let hit = this.cache.get(key);
    if (!hit) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      if (hasUniforms) entries.push({ binding: 0, visibility: COMPUTE_STAGE, buffer: { type: 'uniform' } });
      for (let i = 0; i < inputs; i++) entries.push({ binding: 1 + i, visibility: COMPUTE_STAGE, buffer: { type: 'read-only-storage' } });
      entries.push({ binding: 1 + inputs, visibility: COMPUTE_STAGE, buffer: { type: 'storage' } });
      const layout = this.device.createBindGroupLayout({ entries });
      const module = this.device.createShaderModule({ code: program.code() });
      const pipeline = this.device.createComputePipeline({
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
      });
      hit = { pipeline, layout };
      this.cache.set(key, hit);
    }
    return hit;
  }
}
