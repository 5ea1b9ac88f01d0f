/** The methods the harness compares: the compressibility loss and its baselines. */
import type { CompressibilityOptions } from '../loss/options';

/** How the compressibility run gets its zeros: prune at a threshold and fine-tune, proximal steps (then the same), or neither. */
export type SparsifyMode = 'threshold' | 'prox' | 'none';

/** A method of the comparison. */
export type Method =
  /** No regulariser (λ = 0), then threshold-then-prune and fine-tuning. */
  | { kind: 'none' }
  /** Task loss + λ·L_c, with the loss options and a sparsification mode (default `'threshold'`). */
  | { kind: 'compressibility'; lambda: number; sparsify?: SparsifyMode; loss?: CompressibilityOptions }
  /** Task loss + λ·Σ|w| (weight decay on |w|), then threshold-then-prune and fine-tuning. */
  | { kind: 'l1'; lambda: number }
  /** No regulariser, then magnitude pruning to a target sparsity (one for all or one per weight tensor) and fine-tuning. */
  | { kind: 'magnitude'; sparsity: number | Readonly<Record<string, number>> };

/** A short label for tables: `λ=0`, `L_c λ=0.001`, `L_c prox λ=0.001`, `L1 λ=0.0001`, `magnitude 90.0%`, `magnitude (matched)`. */
export function methodLabel(m: Method): string {
  switch (m.kind) {
    case 'none':
      return 'λ=0';
    case 'compressibility':
      return `L_c${m.sparsify === 'prox' ? ' prox' : m.sparsify === 'none' ? ' no-prune' : ''}${m.loss?.scope === 'global' ? ' global' : ''} λ=${m.lambda}`;
    case 'l1':
      return `L1 λ=${m.lambda}`;
    case 'magnitude':
      return typeof m.sparsity === 'number' ? `magnitude ${(100 * m.sparsity).toFixed(1)}%` : 'magnitude (matched)';
  }
}
