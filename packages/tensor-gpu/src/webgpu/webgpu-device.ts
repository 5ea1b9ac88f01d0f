import { DeviceBuffer } from '../backend/device-buffer';
import type { KernelArgument, KernelDevice } from '../backend/kernel-device';
import type { KernelRegistry } from '../backend/kernel-registry';
import type { KernelSpec, OutputPrecision } from '../backend/kernel-spec';
import { withFloat16Output } from '../fp16/kernel-rounding';
import type { AcquiredDevice } from './acquire';
import { BufferPool } from './buffer-pool';
import { PipelineCache } from './pipeline-cache';
import { portableProgram, translatePortable, type TranslatedKernel } from './portable-program';
import { BUFFER_USAGE, MAP_READ_MODE } from './usage';
import type { WgslProgram } from './wgsl-kernel';

/** Counters of a WebGPU device, for tests and benchmarks. */
export interface WebGpuCounters {
  /** Reads of a buffer back to the host (each one a mapAsync). */
  readbacks: number;
  /** Dispatches, and those that ran a registered WGSL kernel rather than a translated portable one. */
  dispatches: number;
  wgslDispatches: number;
  /** Storage buffers created (the pool reuses freed ones) and handed out now. */
  buffersCreated: number;
  buffersInUse: number;
}

/**
 * The `webgpu` backend: tensors live in GPU storage buffers from upload to `data()`. A primitive
 * runs its registered WGSL kernel (tiled, workgroup memory) or else its portable gpu.js source
 * translated to WGSL by gpu.js's translator; both dispatch on this device's buffers, so nothing
 * is read back between ops. Freed buffers return to a pool; pipelines are compiled once per key.
 * Each op is submitted at once, so queue order alone makes buffer reuse safe.
 */
export class WebGpuDevice implements KernelDevice {
  readonly backend = 'webgpu' as const;
  liveBuffers = 0;
  liveBytes = 0;
  private readonly device: GPUDevice;
  private readonly storage: BufferPool;
  private readonly uniforms: BufferPool;
  private readonly pipelines: PipelineCache;
  private readonly translations = new Map<string, TranslatedKernel>();
  private readonly errors: Promise<GPUError | null>[] = [];
  private readonly counters = { readbacks: 0, dispatches: 0, wgslDispatches: 0 };
  private destroyed = false;

  constructor(
    acquired: AcquiredDevice,
    private readonly registry: KernelRegistry,
  ) {
    this.device = acquired.device;
    const { STORAGE, COPY_SRC, COPY_DST, UNIFORM } = BUFFER_USAGE;
    this.storage = new BufferPool(this.device, STORAGE | COPY_SRC | COPY_DST);
    this.uniforms = new BufferPool(this.device, UNIFORM | COPY_DST);
    this.pipelines = new PipelineCache(this.device);
  }

  /** Pipelines compiled so far. */
  get compiledKernels(): number {
    return this.pipelines.size;
  }

  /** What this device has done so far. */
  stats(): WebGpuCounters {
    return { ...this.counters, buffersCreated: this.storage.created, buffersInUse: this.storage.inUse };
  }

  upload(values: Float32Array): DeviceBuffer {
    this.assertAlive('upload');
    const buffer = this.storage.acquire(values.byteLength);
    this.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    return this.track(new DeviceBuffer(buffer, values.length));
  }

  run(spec: KernelSpec, args: readonly KernelArgument[], precision: OutputPrecision = 'float32'): DeviceBuffer {
    this.assertAlive(spec.name);
    const scalars = args.filter((a): a is number => typeof a === 'number');
    const registered = this.registry.wgslImplementation(spec.name)?.(spec, scalars, precision) ?? null;
    const program = registered ?? this.portable(spec, args, precision);
    const temporary: GPUBuffer[] = [];
    const inputs = args
      .filter((a): a is DeviceBuffer | Float32Array => typeof a !== 'number')
      .map((a) => {
        if (a instanceof DeviceBuffer) return a.handle as GPUBuffer;
        const staged = this.storage.acquire(a.byteLength);
        this.device.queue.writeBuffer(staged, 0, a.buffer, a.byteOffset, a.byteLength);
        temporary.push(staged);
        return staged;
      });
    const out = this.storage.acquire(spec.outSize * 4);
    this.dispatch(program, inputs, out);
    for (const b of temporary) this.storage.release(b);
    this.counters.dispatches++;
    if (registered) this.counters.wgslDispatches++;
    return this.track(new DeviceBuffer(out, spec.outSize));
  }

  async read(buffer: DeviceBuffer): Promise<Float32Array> {
    this.assertAlive('read');
    const bytes = buffer.length * 4;
    const staging = this.device.createBuffer({ size: bytes, usage: BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer.handle as GPUBuffer, 0, staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    this.counters.readbacks++;
    try {
      await staging.mapAsync(MAP_READ_MODE);
      await this.throwRecordedErrors();
      return new Float32Array(staging.getMappedRange().slice(0));
    } finally {
      if (staging.mapState === 'mapped') staging.unmap();
      staging.destroy();
    }
  }

  free(buffer: DeviceBuffer): void {
    this.liveBuffers--;
    this.liveBytes -= buffer.bytes;
    if (!this.destroyed) this.storage.release(buffer.handle as GPUBuffer);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.storage.trim();
    this.uniforms.trim();
    this.device.destroy();
  }

  owns(buffer: DeviceBuffer): boolean {
    return buffer.device === this;
  }

  private portable(spec: KernelSpec, args: readonly KernelArgument[], precision: OutputPrecision): WgslProgram {
    // float16 outputs take +Infinity as a trailing scalar (see fp16/kernel-rounding.ts).
    const source = precision === 'float16' ? withFloat16Output(spec).source : spec.source;
    const all: readonly KernelArgument[] = precision === 'float16' ? [...args, Infinity] : args;
    const kinds = all.map((a): 'scalar' | 'array' => (typeof a === 'number' ? 'scalar' : 'array'));
    const loopMax = Math.max(1000, (spec.loopMax ?? 0) + 1);
    const key = `portable|${kinds.join(',')}|${loopMax}|${source}`;
    let translated = this.translations.get(key);
    if (!translated) {
      translated = translatePortable(source, kinds, loopMax);
      this.translations.set(key, translated);
    }
    return portableProgram(key, translated, spec, all, this.device.limits.maxComputeWorkgroupsPerDimension);
  }

  private dispatch(program: WgslProgram, inputs: readonly GPUBuffer[], out: GPUBuffer): void {
    const hasUniforms = program.uniforms !== undefined;
    this.device.pushErrorScope('validation');
    const { pipeline, layout } = this.pipelines.get(program, inputs.length, hasUniforms);
    const entries: GPUBindGroupEntry[] = [];
    let params: GPUBuffer | null = null;
    if (hasUniforms) {
      params = this.uniforms.acquire(program.uniforms!.byteLength);
      this.device.queue.writeBuffer(params, 0, program.uniforms!);
      entries.push({ binding: 0, resource: { buffer: params } });
    }
    inputs.forEach((b, i) => entries.push({ binding: 1 + i, resource: { buffer: b } }));
    entries.push({ binding: 1 + inputs.length, resource: { buffer: out } });
    const bindGroup = this.device.createBindGroup({ layout, entries });
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y, z] = program.workgroups;
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    if (params) this.uniforms.release(params);
    this.errors.push(this.device.popErrorScope());
  }

  /** Rejects with the first validation error recorded since the last check. */
  private async throwRecordedErrors(): Promise<void> {
    const pending = this.errors.splice(0);
    const found = (await Promise.all(pending)).find((e) => e !== null);
    if (found) throw new Error(`tensor-gpu (webgpu): ${found.message}`);
  }

  private assertAlive(what: string): void {
    if (this.destroyed) throw new Error(`${what}: the webgpu device was destroyed (engine.destroy()); select a backend again`);
  }

  private track(buffer: DeviceBuffer): DeviceBuffer {
    buffer.device = this;
    this.liveBuffers++;
    this.liveBytes += buffer.bytes;
    return buffer;
  }
}
