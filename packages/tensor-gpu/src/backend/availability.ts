import { GPU } from 'gpu.js';
import { BACKEND_NAMES, type BackendName } from './names';
import { navigatorGpu } from '../webgpu/gpu-like';

/**
 * Whether `name` can run in this environment. Probing webgpu requests an adapter from
 * `navigator.gpu` (Node has none unless set; pass `setBackend`'s `gpu` option there);
 * probing a GL backend needs a context (headless-gl in Node needs an X display, e.g. Xvfb).
 */
export async function isBackendAvailable(name: BackendName): Promise<boolean> {
  const G: any = GPU;
  try {
    switch (name) {
      case 'cpu':
        return true;
      case 'webasm':
        return Boolean(G.isWebAssemblySupported);
      case 'headlessgl':
        return Boolean(G.isHeadlessGLSupported);
      case 'webgl':
        return Boolean(G.isWebGLSupported);
      case 'webgl2':
        return Boolean(G.isWebGL2Supported);
      case 'webgpu': {
        // tensor-gpu runs its own WGSL on navigator.gpu (in Node: setBackend's `gpu` option).
        const gpu = navigatorGpu();
        return gpu !== null && (await gpu.requestAdapter()) !== null;
      }
    }
  } catch {
    return false;
  }
}

/** The backends available here, best first (the order `'auto'` tries them). */
export async function availableBackends(): Promise<BackendName[]> {
  const found: BackendName[] = [];
  for (const name of BACKEND_NAMES) if (await isBackendAvailable(name)) found.push(name);
  return found;
}
