// Test helper (not part of the library): a describe block on the webgpu backend alone.
import { beforeAll, describe, expect, it } from 'vitest';
import * as t from '../index';
import { backendOptions, backendsUnderTest, requireBackend } from '../testing/backends';

/** A webgpu test: skipped where webgpu cannot run here, and failing when it leaks tensors or buffers. */
export type WebGpuTest = (name: string, fn: () => Promise<void>) => void;

/** Declares `suite` on the webgpu backend where the environment tests webgpu (see `backendsUnderTest`). */
export function describeOnWebGpu(title: string, suite: (test: WebGpuTest) => void): void {
  if (!backendsUnderTest().includes('webgpu')) return;
  describe(title, () => {
    let ok = false;
    beforeAll(async () => {
      ok = await requireBackend('webgpu');
      if (ok) await t.setBackend('webgpu', await backendOptions('webgpu'));
    });
    suite((name, fn) =>
      it(name, async (ctx) => {
        if (!ok) return ctx.skip();
        expect(t.getBackend()).toBe('webgpu');
        await t.expectNoLeaks(fn);
      }),
    );
  });
}

/** The WGSL (registered-kernel) dispatches `fn` makes. */
export async function wgslDispatchesOf(fn: () => Promise<void> | void): Promise<number> {
  const before = t.defaultEngine.webgpuStats()!.wgslDispatches;
  await fn();
  return t.defaultEngine.webgpuStats()!.wgslDispatches - before;
}
