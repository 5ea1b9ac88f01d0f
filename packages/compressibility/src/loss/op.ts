/**
 * The compressibility loss as a composite op of `@nnlab/tensor-gpu` (abs, square, sum, sqrt,
 * maximum, div), so its gradient comes from the primitives' rules and it runs on every backend.
 */
import * as t from '@nnlab/tensor-gpu';
import type { ResolvedCompressibilityOptions } from './options';

/**
 * The loss of one group of tensors taken as one concatenated vector, as a scalar tensor. The plain
 * form guards the denominator as √max(Σw², eps²) = max(‖w‖₂, eps), whose gradient stays finite
 * for a dead (all-zero) group.
 */
export function groupCompressibility(tensors: readonly t.Tensor[], o: ResolvedCompressibilityOptions): t.Tensor {
  if (tensors.length === 0) throw new Error('groupCompressibility: empty group');
  return t.tidy(() => {
    let numerator: t.Tensor | null = null;
    let squares: t.Tensor | null = null;
    let n = 0;
    for (const w of tensors) {
      const l1 = o.smoothing === 'smooth' ? t.sum(t.sqrt(t.add(t.square(w), o.eps1 * o.eps1))) : t.sum(t.abs(w));
      const sq = t.sum(t.square(w));
      numerator = numerator ? t.add(numerator, l1) : l1;
      squares = squares ? t.add(squares, sq) : sq;
      n += w.size;
    }
    const denominator = o.smoothing === 'smooth' ? t.sqrt(t.add(squares!, o.eps2)) : t.sqrt(t.maximum(squares!, o.eps * o.eps));
    const ratio = t.div(numerator!, denominator);
    if (o.form === 'square') return t.square(ratio);
    if (o.form === 'normalized') return t.div(ratio, Math.sqrt(n));
    return ratio;
  });
}
