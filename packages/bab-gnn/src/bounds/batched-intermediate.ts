/**
 * Sound pre-activation bounds of every hidden layer for many domains at once: IBP, forward linear
 * bounds, or CROWN (backward propagation from each layer, for the neurons that the cheaper bounds
 * leave ambiguous, all domains' rows in one backward pass per layer).
 */
import { checkDeadline } from '../deadline';
import { hasConvolution, type ReluNetwork } from '../network/network';
import { batchedBackwardLowerBound, type BackwardBlock } from './batched-backward';
import { batchedForwardBounds, type BatchDomain } from './batched-forward';
import { batchedAffineInterval, batchedReluInterval, boxesToInterval, columnOf } from './batched-ibp';
import { priorOrUnbounded } from './prior-bounds';
import { checkBox, splitOf, type LayerBounds } from './types';

/** Which intermediate bounds are computed. */
export type IntermediateMethod = 'ibp' | 'crown' | 'forward';

/**
 * Pre-activation bounds of every hidden layer of every domain (one {@link LayerBounds} each).
 * `'crown'` bounds each layer by backward propagation from it, using the bounds of the layers
 * before, and intersects them with IBP and forward bounds; `'forward'` uses
 * {@link batchedForwardBounds}; `'ibp'` plain intervals. A domain's `prior` (bounds of a superset)
 * is intersected in by `'crown'` and `'forward'`. `deadline` (a `performance.now()` time in ms):
 * throws a `DeadlineError` between layers past it. `forward`: the domains' forward bounds when
 * already computed (for `'crown'`; they must include the priors). On networks with convolutions
 * `'crown'` starts from the priors and IBP instead of forward bounds (see {@link priorOrUnbounded}).
 * A domain whose splits depart from its prior's only from some layer on keeps the prior's bounds
 * up to that layer (see {@link priorFinalThrough}).
 */
export function batchedIntermediateBounds(net: ReluNetwork, domains: readonly BatchDomain[], method: IntermediateMethod = 'crown', deadline?: number, forward?: readonly LayerBounds[]): LayerBounds[] {
  for (const d of domains) checkBox(d.box, net.inputSize, 'intermediateBounds');
  if (method === 'forward') return batchedForwardBounds(net, domains);
  const B = domains.length;
  const splits = domains.map((d) => d.splits);
  const cheap = method === 'crown' ? (forward ?? (hasConvolution(net) ? priorOrUnbounded(net, domains) : batchedForwardBounds(net, domains))) : null;
  const out: { lower: Float64Array[]; upper: Float64Array[] }[] = domains.map(() => ({ lower: [], upper: [] }));
  const reuse = domains.map(priorFinalThrough);
  let h = boxesToInterval(domains.map((d) => d.box), net.inputSize);
  for (let k = 0; k < net.layers.length - 1; k++) {
    checkDeadline(deadline, 'intermediateBounds');
    const z = batchedAffineInterval(net.layers[k], h, B);
    const n = net.layers[k].outSize;
    const lower = domains.map((_, b) => columnOf(z.lower, b, B));
    const upper = domains.map((_, b) => columnOf(z.upper, b, B));
    if (cheap && k > 0) {
      // Backward bounds only for neurons that the cheaper bounds (IBP ∩ forward) leave
      // ambiguous: the others' relaxations are exact already.
      const blocks: BackwardBlock[] = [];
      const unstableOf: number[][] = [];
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < n; i++) {
          lower[b][i] = Math.max(lower[b][i], cheap[b].lower[k][i]);
          upper[b][i] = Math.min(upper[b][i], cheap[b].upper[k][i]);
        }
        if (k <= reuse[b]) continue;
        const unstable: number[] = [];
        for (let i = 0; i < n; i++) if (lower[b][i] < 0 && upper[b][i] > 0 && splitOf(splits[b], k, i) === -1) unstable.push(i);
        const q = unstable.length;
        if (q === 0) continue;
        const rows = new Float64Array(2 * q * n);
        unstable.forEach((i, r) => {
          rows[r * n + i] = 1;
          rows[(q + r) * n + i] = -1;
        });
        blocks.push({ box: domains[b].box, bounds: out[b], splits: splits[b], rows, rowConst: new Float64Array(2 * q) });
        unstableOf.push([b, ...unstable]);
      }
      if (blocks.length > 0) {
        const res = batchedBackwardLowerBound(net, blocks, k);
        res.forEach((r, p) => {
          const [b, ...unstable] = unstableOf[p];
          const q = unstable.length;
          unstable.forEach((i, j) => {
            lower[b][i] = Math.max(lower[b][i], r.lower[j]);
            upper[b][i] = Math.min(upper[b][i], -r.lower[q + j]);
          });
        });
      }
    }
    const zl = new Float64Array(n * B);
    const zu = new Float64Array(n * B);
    for (let b = 0; b < B; b++) {
      out[b].lower.push(lower[b]);
      out[b].upper.push(upper[b]);
      for (let i = 0; i < n; i++) {
        zl[i * B + b] = lower[b][i];
        zu[i * B + b] = upper[b][i];
      }
    }
    h = batchedReluInterval({ lower: zl, upper: zu }, splits, k, B);
  }
  return out;
}


/**
 * The last layer whose prior bounds a domain keeps without running CROWN for it: the first layer
 * holding a split ReLU that its prior leaves ambiguous (−1 without prior or such a split). A ReLU
 * split child has its parent's box and bounds as prior and one new split; the bounds of layers up
 * to the split's depend only on splits before it, so recomputing them would give the prior's
 * again. Keeping a prior is sound in every case (it holds on a superset of the domain).
 */
export function priorFinalThrough(d: BatchDomain): number {
  if (!d.prior || !d.splits) return -1;
  for (let k = 0; k < d.splits.length; k++) {
    const s = d.splits[k];
    for (let i = 0; i < s.length; i++) if (s[i] !== -1 && d.prior.lower[k][i] < 0 && d.prior.upper[k][i] > 0) return k;
  }
  return -1;
}
