/**
 * The bounds a domain starts from when nothing is computed for it yet: its prior (a superset's
 * bounds) or, without one, the whole real line. CROWN uses them in place of forward linear bounds
 * on convolutional networks, where forward bounds would keep neurons × image inputs coefficients
 * per domain; IBP is intersected in layer by layer anyway.
 */
import { hiddenSizes, type ReluNetwork } from '../network/network';
import type { LayerBounds } from './types';

/** Each domain's prior bounds, or unbounded ones of the network's hidden sizes. */
export function priorOrUnbounded(net: ReluNetwork, domains: readonly { readonly prior?: LayerBounds }[]): LayerBounds[] {
  const sizes = hiddenSizes(net);
  return domains.map((d) => d.prior ?? { lower: sizes.map((n) => new Float64Array(n).fill(-Infinity)), upper: sizes.map((n) => new Float64Array(n).fill(Infinity)) });
}
