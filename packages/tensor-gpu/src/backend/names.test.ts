import * as gpuJs from 'gpu.js';
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES, KERNEL_CLASS_OF } from './names';

describe('KERNEL_CLASS_OF', () => {
  it('names a kernel class that gpu.js exports, for every backend (Device checks kernels against it)', () => {
    const exported = gpuJs as unknown as Record<string, unknown>;
    for (const backend of BACKEND_NAMES) expect(typeof exported[KERNEL_CLASS_OF[backend]], `${backend}: ${KERNEL_CLASS_OF[backend]}`).toBe('function');
  });
});
