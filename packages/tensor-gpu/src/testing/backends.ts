import type { BackendName } from '../backend/names';
import { isBackendAvailable } from '../backend/availability';

/** True when running inside a browser (vitest browser mode) rather than Node. */
export const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';

/** The backends every test suite must cover in this environment. */
export function backendsUnderTest(): BackendName[] {
  return inBrowser ? ['webgl2', 'webgpu', 'cpu'] : ['cpu', 'webasm', 'headlessgl'];
}

/**
 * Resolves whether a backend can be tested here. A backend the suite requires must be available
 * under CI (and always in the browser); elsewhere a missing headless-gl (no X display) is skipped
 * with a printed reason.
 */
export async function requireBackend(name: BackendName): Promise<boolean> {
  if (await isBackendAvailable(name)) return true;
  const ci = !inBrowser && typeof process !== 'undefined' && process.env.CI === 'true';
  if (inBrowser || ci) throw new Error(`backend '${name}' is not available here but the test suite requires it`);
  console.warn(`skipping backend '${name}': not available here (headless-gl needs an X display: run under xvfb-run)`);
  return false;
}
