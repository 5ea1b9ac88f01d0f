import { freemem } from 'node:os';

/**
 * A memory budget for packs on backends that keep tensors in host memory (`cpu`, `webasm`): a
 * `fraction` (default 0.5) of the memory free now, in bytes.
 */
export function hostMemoryBudget(fraction = 0.5): number {
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction > 1) throw new Error(`hostMemoryBudget: fraction must be in (0, 1], got ${fraction}`);
  return Math.floor(freemem() * fraction);
}
