import type { DeviceBuffer } from './device-buffer';
import type { BackendName } from './names';
import type { HostKernel, KernelSpec, OutputPrecision } from './kernel-spec';

/** An argument of a kernel run: a device buffer, host values, or a scalar. */
export type KernelArgument = DeviceBuffer | Float32Array | number;

/**
 * What the engine needs from a backend's device: upload, run a primitive, read back, free.
 * `Device` runs gpu.js kernels (and host kernels on cpu/webasm); `WebGpuDevice` runs WGSL on
 * buffers that stay on the GPU.
 */
export interface KernelDevice {
  /** The backend this device runs. */
  readonly backend: BackendName;
  /** Kernels (or pipelines) compiled so far. */
  readonly compiledKernels: number;
  /** Live device buffers held by tensors, and their bytes. */
  readonly liveBuffers: number;
  readonly liveBytes: number;
  /** Copies host values into a new device buffer. */
  upload(values: Float32Array): DeviceBuffer;
  /** Runs one primitive; `host` is the registry's host implementation for this backend and `precision`, if any. */
  run(spec: KernelSpec, args: readonly KernelArgument[], precision?: OutputPrecision, host?: HostKernel): DeviceBuffer;
  /** Reads a buffer back to the host (the only asynchronous step). */
  read(buffer: DeviceBuffer): Promise<Float32Array>;
  /** The values without waiting where the device can read them synchronously, else null. */
  readNow(buffer: DeviceBuffer): ArrayLike<number> | null;
  /** Frees a buffer once every kernel that reads it has been submitted. */
  free(buffer: DeviceBuffer): void;
  /** Releases everything the device holds. */
  destroy(): void;
  /** True when `buffer` was made by this device. */
  owns(buffer: DeviceBuffer): boolean;
}
