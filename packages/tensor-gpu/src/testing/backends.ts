import type { BackendName } from '../backend/names';
import { isBackendAvailable } from '../backend/availability';
import type { BackendOptions } from '../engine';
import { nodeWebGpu } from '../webgpu/node-gpu';

/** True when running inside a browser (vitest browser mode) rather than Node. */
export const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';

/** The backends every test suite must cover in this environment. */
export function backendsUnderTest(): BackendName[] {
  return inBrowser ? ['webgl2', 'webgpu', 'cpu'] : ['cpu', 'webasm', 'headlessgl', 'webgpu'];
}

/**
 * What `setBackend` needs to select `name` here: in Node, webgpu takes its entry object from the
 * `webgpu` package (Dawn; on a machine without a GPU, the SwiftShader Vulkan driver).
 */
export async function backendOptions(name: BackendName): Promise<BackendOptions> {
  if (name !== 'webgpu' || inBrowser) return {};
  return { gpu: await nodeWebGpu() };
}

async function available(name: BackendName): Promise<{ ok: boolean; why: string }> {
  if (name !== 'webgpu' || inBrowser) {
    return { ok: await isBackendAvailable(name), why: 'headless-gl needs an X display: run under xvfb-run' };
  }
  try {
    const gpu = await nodeWebGpu();
    return { ok: (await gpu.requestAdapter()) !== null, why: 'Dawn found no adapter (VK_ICD_FILENAMES should name a Vulkan driver, e.g. chromium\'s SwiftShader)' };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
}

/**
 * Resolves whether a backend can be tested here. A backend the suite requires must be available
 * under CI (and always in the browser); elsewhere a missing one (headless-gl without an X display,
 * Dawn without a Vulkan driver) is skipped with a printed reason.
 */
export async function requireBackend(name: BackendName): Promise<boolean> {
  const { ok, why } = await available(name);
  if (ok) return true;
  const ci = !inBrowser && typeof process !== 'undefined' && process.env.CI === 'true';
  if (inBrowser || ci) throw new Error(`backend '${name}' is not available here but the test suite requires it (${why})`);
  console.warn(`skipping backend '${name}': not available here (${why})`);
  return false;
}
