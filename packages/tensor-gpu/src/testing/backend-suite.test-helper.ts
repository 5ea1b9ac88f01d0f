// Test helper (not part of the library): one describe block per backend under test.
import { beforeAll, describe, it } from 'vitest';
import type { BackendName } from '../backend/names';
import { setBackend } from '../index';
import { backendOptions, backendsUnderTest, requireBackend } from './backends';

/** A test on one backend; it is skipped where the backend cannot run here (see `requireBackend`). */
export type BackendTest = (name: string, fn: () => Promise<void> | void, timeout?: number) => void;

/**
 * Runs `suite` once for every backend under test, in a block named "`title` on `backend`" that
 * selects the backend first; tests declared with the given `test` skip where it is unavailable.
 */
export function describeOnBackends(title: string, suite: (backend: BackendName, test: BackendTest) => void): void {
  for (const backend of backendsUnderTest()) {
    describe(`${title} on ${backend}`, () => {
      let ok = false;
      beforeAll(async () => {
        ok = await requireBackend(backend);
        if (ok) await setBackend(backend, await backendOptions(backend));
      });
      suite(backend, (name, fn, timeout) =>
        it(name, async (ctx) => {
          if (!ok) return ctx.skip();
          await fn();
        }, timeout),
      );
    });
  }
}
