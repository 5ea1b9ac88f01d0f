import type { GpuLike } from './gpu-like';

/** An adapter and the device tensor-gpu made on it. */
export interface AcquiredDevice {
  /**
   * The entry object the adapter came from. Holders keep it referenced: with Dawn in Node,
   * collecting it destroys the instance under a live device (a crash in Dawn's threads).
   */
  readonly gpu: GpuLike;
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
}

/**
 * Requests an adapter and a device with the adapter's storage limits (the defaults cap a binding
 * at 128 MiB whatever the hardware), and `shader-f16` where offered. Resolves null when no
 * adapter is available.
 */
export async function acquireDevice(gpu: GpuLike): Promise<AcquiredDevice | null> {
  const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) as GPUAdapter | null;
  if (!adapter) return null;
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('shader-f16') ? ['shader-f16'] : [];
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  return { gpu, adapter, device };
}
