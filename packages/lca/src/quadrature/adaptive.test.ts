import { describe, expect, it } from 'vitest';
import type { GradientOracle, LossAndGradient } from '../types';
import { LcaAllocator } from './allocator';

/** A non-polynomial float64 loss L = Σ log cosh(c_i θ_i) + sin(θ·v), recording every call. */
function recordingOracle(n: number): { oracle: GradientOracle; calls: { theta: Float64Array; result: LossAndGradient }[] } {
  const c = Float64Array.from({ length: n }, (_, i) => 1 + (i % 5));
  const v = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const calls: { theta: Float64Array; result: LossAndGradient }[] = [];
  const oracle: GradientOracle = async (theta) => {
    let dot = 0;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      dot += theta[i] * v[i];
      loss += Math.log(Math.cosh(c[i] * theta[i]));
    }
    loss += Math.sin(dot);
    const grad = Float64Array.from({ length: n }, (_, i) => c[i] * Math.tanh(c[i] * theta[i]) + Math.cos(dot) * v[i]);
    const result = { loss, grad };
    calls.push({ theta: theta.slice(), result });
    return result;
  };
  return { oracle, calls };
}

describe('adaptive composite Simpson', () => {
  it('ends every iteration with |err| ≤ τ or 32 pieces, and reuses the end point bit-identically', async () => {
    const n = 12;
    const { oracle, calls } = recordingOracle(n);
    const tau = 1e-3;
    const alloc = new LcaAllocator(n, oracle, { errorThreshold: tau });
    // Steps of growing length, so that some need more pieces and some hit the cap.
    const thetas = Array.from({ length: 9 }, (_, t) => Float64Array.from({ length: n }, (_, i) => 0.04 * t ** 3 * Math.sin(i + t)));
    await alloc.start(thetas[0]);
    const pieces: number[] = [];
    let previousAfter: LossAndGradient | null = alloc.currentStart('train');
    let expectedCalls = 1;
    for (let t = 1; t < thetas.length; t++) {
      const it = await alloc.step(thetas[t]);
      const s = it.splits.train;
      pieces.push(it.pieces);
      expect(Math.abs(s.error) <= tau || it.pieces === 32).toBe(true);
      expect(s.error).toBe(s.after.loss - s.before.loss - s.lcaSum);
      // g(1) of step t − 1 is g(0) of step t: the same object, bit for bit what the oracle returned at θ_t.
      expect(s.before).toBe(previousAfter);
      const atStart = calls.filter((c) => c.theta.every((x, i) => x === thetas[t - 1][i]));
      expect(atStart.length).toBe(1);
      expect(atStart[0].result.grad).toBe(s.before.grad);
      expectedCalls += it.evaluations;
      expect(it.evaluations).toBe(it.pieces); // end point + (n − 1) interior nodes
      previousAfter = s.after;
    }
    expect(calls.length).toBe(expectedCalls);
    console.log(`adaptive pieces per iteration: ${pieces.join(', ')}`);
    expect(pieces[0]).toBe(2);
    expect(Math.max(...pieces)).toBeGreaterThan(2);
    expect(pieces).toContain(32);
  });

  it('relative mode scales τ by |ΔL|; the max over splits decides', async () => {
    const n = 6;
    const a = recordingOracle(n);
    const b = recordingOracle(n);
    const alloc = new LcaAllocator(n, { train: a.oracle, validation: b.oracle }, { errorThreshold: 1e-6, errorMode: 'relative' });
    await alloc.start(new Float64Array(n));
    const it = await alloc.step(Float64Array.from({ length: n }, (_, i) => 0.7 * Math.sin(i)));
    for (const s of Object.values(it.splits)) {
      const dL = s.after.loss - s.before.loss;
      expect(Math.abs(s.error) <= 1e-6 * Math.abs(dL) || it.pieces === 32).toBe(true);
    }
    expect(a.calls.length).toBe(b.calls.length);
  });

  it('rejects an oracle that returns the same gradient array twice', async () => {
    const g = new Float64Array(2);
    const alloc = new LcaAllocator(2, async () => ({ loss: 0, grad: g }));
    await alloc.start(new Float64Array(2));
    await expect(alloc.step(Float64Array.of(1, 1))).rejects.toThrow(/new array/);
  });
});
