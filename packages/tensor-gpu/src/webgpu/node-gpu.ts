import type { GpuLike } from './gpu-like';

/** Options of {@link nodeWebGpu}. */
export interface NodeWebGpuOptions {
  /** Dawn toggles passed to `create()` of the `webgpu` package, e.g. `['backend=vulkan']`. */
  flags?: string[];
}

/**
 * WebGPU in Node through the `webgpu` package (Dawn), which this package does not install: install it
 * with `npm install webgpu@0.6` to use it. Pass the result to `setBackend('webgpu', { gpu })`.
 * Without a GPU, Dawn runs on a Vulkan driver such as SwiftShader (set `VK_ICD_FILENAMES` to its
 * ICD file before the first call; Debian's chromium ships one).
 *
 * @throws Error naming the package to install when `webgpu` cannot be loaded.
 */
export async function nodeWebGpu(options: NodeWebGpuOptions = {}): Promise<GpuLike> {
  const flags = options.flags ?? [];
  if (!Array.isArray(flags) || flags.some((f) => typeof f !== 'string')) {
    throw new Error(`nodeWebGpu: options.flags must be an array of strings, got ${JSON.stringify(options.flags)}`);
  }
  let module: { create: (flags: string[]) => GpuLike };
  try {
    // A variable specifier keeps bundlers from resolving this package the user installs.
    const name = 'webgpu';
    module = await import(/* @vite-ignore */ name);
  } catch (e) {
    throw new Error(`nodeWebGpu: the package 'webgpu' (0.6.x, Dawn for Node) could not be loaded; install it with \`npm install webgpu@0.6\` (${(e as Error).message})`);
  }
  return module.create(flags);
}
