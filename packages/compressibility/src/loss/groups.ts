/**
 * Which tensors the compressibility loss sees: weights (by `Parameter.role`) or also biases, from a
 * module, a list of parameters or a list of tensors.
 */
import { nn, Tensor } from '@nnlab/tensor-gpu';

/** What the loss takes: a module, its parameters, or bare tensors. */
export type WeightSource = nn.Module | readonly (nn.Parameter | Tensor)[];

/** A tensor the loss uses, with a name for reports (`'0.weight'` for a module's parameter, `'#2'` for the third list entry). */
export interface NamedWeight {
  /** Dotted parameter name, or `#index` in the list. */
  name: string;
  /** The current value (read at call time, so a training step sees the watched tensor). */
  value: Tensor;
}

/**
 * True for weights and, with `includeBias`, for biases. A parameter's role decides (`'weight'` is
 * a weight; `'bias'` and `'shift'` are biases; `'scale'` and `'other'` are left out unless
 * `includeBias`); a bare tensor of rank ≥ 2 is a weight and one of rank ≤ 1 a bias.
 */
export function isCompressed(item: nn.Parameter | Tensor, includeBias: boolean): boolean {
  if (item instanceof Tensor) return item.rank >= 2 || includeBias;
  return item.role === 'weight' || includeBias;
}

/** The tensors the loss takes from `source`, in order, named. Throws when there are none. */
export function selectWeights(source: WeightSource, includeBias: boolean, fn = 'compressibilityLoss'): NamedWeight[] {
  let items: [string, nn.Parameter | Tensor][];
  if (source instanceof nn.Module) items = source.namedParameters();
  else if (Array.isArray(source)) items = source.map((p, i) => [`#${i}`, p]);
  else throw new Error(`${fn}: expected a Module or an array of Parameters or Tensors`);
  const out: NamedWeight[] = [];
  for (const [name, item] of items) {
    if (!(item instanceof Tensor) && !(item instanceof nn.Parameter)) throw new Error(`${fn}: entry '${name}' is neither a Parameter nor a Tensor`);
    if (!isCompressed(item, includeBias)) continue;
    out.push({ name, value: item instanceof Tensor ? item : item.value });
  }
  if (out.length === 0) throw new Error(`${fn}: no tensor to regularise (includeBias is ${includeBias}; bare rank-1 tensors count as biases)`);
  return out;
}
