import type { Engine } from './engine';
import { sharedEngine } from './shared-engine';

/**
 * The engine behind the package's module-level functions (`setBackend`, `tidy`, `tensor`, ...).
 * There is one per process: the first copy of this package to load (its ES module or CommonJS
 * build, or another installed version with the same engine protocol) makes it, and every later
 * copy uses it, so their tensors mix. Exported so that its state is visible; advanced users may
 * create their own `Engine`.
 */
export const defaultEngine: Engine = /* @__PURE__ */ sharedEngine();
