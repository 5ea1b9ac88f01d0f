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

/** Dispatches recorded before the encoder is submitted even without a read. */
export const DISPATCHES_PER_SUBMIT = 32;

/** Counters of a WebGPU device, for tests and benchmarks. */
export interface WebGpuCounters {
  /** Reads of a buffer back to the host (each one a mapAsync). */
  readbacks: number;
  /** Command buffers submitted. */
  submits: number;
  /** Compute dispatches recorded. */
  dispatches: number;
  /** Dispatches that ran a registered WGSL kernel rather than a translated portable one. */
  wgslDispatches: number;
  /** Storage buffers created so far (the pool reuses freed ones). */
  buffersCreated: number;
  /** Storage buffers held now (freed ones awaiting a submit excluded). */
  buffersInUse: number;
}

/**
 * The `webgpu` backend: tensors live in GPU storage buffers from upload to `data()`. A primitive
 * runs its registered WGSL kernel (tiled, workgroup memory) or else its portable gpu.js source
 * translated to WGSL by gpu.js's translator; both dispatch on this device's buffers, so nothing
 * is read back between ops. Freed buffers return to a pool; pipelines are compiled once per key.
 * Dispatches are recorded into one command encoder and submitted together (at a read, or every
 * {@link DISPATCHES_PER_SUBMIT}); a buffer freed or a uniform used meanwhile returns to its pool
 * only after that submit, since `queue.writeBuffer` would otherwise overtake the recorded reads.
 */
export class WebGpuDevice implements KernelDevice {
  readonly backend = 'webgpu' as const;
  liveBuffers = 0;
  liveBytes = 0;
  private readonly device: GPUDevice;
  private readonly storage: BufferPool;
  private readonly uniforms: BufferPool;
  private readonly staging: BufferPool;
  private readonly pipelines: PipelineCache;
  private readonly translations = new Map<string, TranslatedKernel>();
  private readonly errors: Promise<GPUError | null>[] = [];
  private readonly counters = { readbacks: 0, submits: 0, dispatches: 0, wgslDispatches: 0 };
  private encoder: GPUCommandEncoder | null = null;
  private recorded = 0;
  /** Buffers to hand back to their pools once the recorded commands are submitted. */
  private readonly retired: [BufferPool, GPUBuffer][] = [];
  private destroyed = false;

  constructor(
    /** Held for the device's lifetime (see {@link AcquiredDevice.gpu}). */
    private readonly acquired: AcquiredDevice,
    private readonly registry: KernelRegistry,
  ) {
    this.device = acquired.device;
    const { STORAGE, COPY_SRC, COPY_DST, UNIFORM } = BUFFER_USAGE;
    this.storage = new BufferPool(this.device, STORAGE | COPY_SRC | COPY_DST);
    this.uniforms = new BufferPool(this.device, UNIFORM | COPY_DST);
    // Read-back buffers are reused too: besides saving allocations, destroying a buffer right
    // after unmapping it crashed Dawn 0.6.2 on SwiftShader.
    this.staging = new BufferPool(this.device, BUFFER_USAGE.MAP_READ | COPY_DST);
    this.pipelines = new PipelineCache(this.device);
  }

  /** Pipelines compiled so far. */
  get compiledKernels(): number {
    return this.pipelines.size;
  }

  /** What this device has done so far. */
  stats(): WebGpuCounters {
    const awaitingSubmit = this.retired.filter(([pool]) => pool === this.storage).length;
    return { ...this.counters, buffersCreated: this.storage.created, buffersInUse: this.storage.inUse - awaitingSubmit };
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
    for (const b of temporary) this.retired.push([this.storage, b]);
    this.counters.dispatches++;
    if (registered) this.counters.wgslDispatches++;
    return this.track(new DeviceBuffer(out, spec.outSize));
  }

  async read(buffer: DeviceBuffer): Promise<Float32Array> {
    this.assertAlive('read');
    const bytes = buffer.length * 4;
    const staging = this.staging.acquire(bytes);
    this.commandEncoder().copyBufferToBuffer(buffer.handle as GPUBuffer, 0, staging, 0, bytes);
    this.flush();
    this.counters.readbacks++;
    try {
      await staging.mapAsync(MAP_READ_MODE);
      await this.throwRecordedErrors();
      return new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    } finally {
      if (staging.mapState === 'mapped') staging.unmap();
      this.staging.release(staging);
    }
  }

  /** Always null: a GPU buffer is read only through an asynchronous map. */
  readNow(): null {
    return null;
  }

  free(buffer: DeviceBuffer): void {
    this.liveBuffers--;
    this.liveBytes -= buffer.bytes;
    if (this.destroyed) return;
    if (this.encoder) this.retired.push([this.storage, buffer.handle as GPUBuffer]);
    else this.storage.release(buffer.handle as GPUBuffer);
  }

  /** Submits the recorded commands, then returns the buffers they were the last to use. */
  flush(): void {
    if (!this.encoder) return;
    this.device.pushErrorScope('validation');
    this.device.queue.submit([this.encoder.finish()]);
    this.errors.push(this.device.popErrorScope());
    this.encoder = null;
    this.recorded = 0;
    this.counters.submits++;
    for (const [pool, b] of this.retired.splice(0)) pool.release(b);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.flush();
    this.destroyed = true;
    this.storage.trim();
    this.uniforms.trim();
    this.staging.trim();
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
    this.errors.push(this.device.popErrorScope());
    const pass = this.commandEncoder().beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y, z] = program.workgroups;
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
    if (params) this.retired.push([this.uniforms, params]);
    if (++this.recorded >= DISPATCHES_PER_SUBMIT) this.flush();
  }

  private commandEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
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
