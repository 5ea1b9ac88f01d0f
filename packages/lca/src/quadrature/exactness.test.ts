import { describe, expect, it } from 'vitest';
import { quarticOracle, randomPsd } from '../testing/quartic.test-helper';
import { LcaAllocator } from './allocator';
import type { Quadrature } from '../types';

const N = 20;
const A = randomPsd(N, 7);
const oracle = quarticOracle(A, N);
const theta0 = Float64Array.from({ length: N }, (_, i) => Math.sin(i + 1));
const theta1 = Float64Array.from(theta0, (v, i) => v - 0.8 * Math.cos(3 * i));

async function relativeError(quadrature: Quadrature): Promise<number> {
  const alloc = new LcaAllocator(N, oracle, { quadrature });
  await alloc.start(theta0);
  const it = await alloc.step(theta1);
  const s = it.splits.train;
  const dL = s.after.loss - s.before.loss;
  return Math.abs(s.lcaSum - dL) / Math.abs(dL);
}

describe('quadrature exactness on Σθ⁴/4 + ½θᵀAθ (float64)', () => {
  it('Simpson LCA equals ΔL to ≤ 1e-12 relative; trapezoid and first order are visibly worse', async () => {
    const simpson = await relativeError('simpson');
    const trapezoid = await relativeError('trapezoid');
    const firstOrder = await relativeError('first-order');
    console.log(`quartic step: Simpson ${simpson.toExponential(2)}, trapezoid ${trapezoid.toPrecision(3)}, first order ${firstOrder.toPrecision(3)}`);
    expect(simpson).toBeLessThanOrEqual(1e-12);
    expect(trapezoid).toBeGreaterThan(1e-3);
    expect(firstOrder).toBeGreaterThan(1e-2);
  });

  it('the adaptive rule stops at n = 2 there (the error is already ~1e-15)', async () => {
    const alloc = new LcaAllocator(N, oracle, { quadrature: 'simpson-adaptive', errorThreshold: 1e-12 });
    await alloc.start(theta0);
    const it = await alloc.step(theta1);
    expect(it.pieces).toBe(2);
    expect(it.evaluations).toBe(2);
  });
});
