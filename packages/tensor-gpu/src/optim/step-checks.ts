import type { Parameter } from '../nn/parameter';
import { fmt } from '../shape';
import { Tensor } from '../tensor';

/**
 * Validates the arguments of `Optimizer.step` before anything is changed, so a failed step leaves
 * the parameters and the state as they were. Returns the indices of the parameters to update
 * (the trainable ones).
 */
export function checkStepArguments(optimizer: string, params: readonly Parameter[], grads: readonly Tensor[]): number[] {
  if (!Array.isArray(params) || !Array.isArray(grads)) throw new Error(`${optimizer}.step: expected arrays of parameters and gradients`);
  if (params.length !== grads.length) {
    throw new Error(`${optimizer}.step: got ${params.length} parameters but ${grads.length} gradients; pass one gradient per parameter, in the same order`);
  }
  const seen = new Set<Parameter>();
  const active: number[] = [];
  params.forEach((p, i) => {
    const g = grads[i];
    if (!p || !(p.value instanceof Tensor)) throw new Error(`${optimizer}.step: params[${i}] is not a Parameter`);
    if (seen.has(p)) throw new Error(`${optimizer}.step: params[${i}] appears twice`);
    seen.add(p);
    if (!p.trainable) return;
    if (!(g instanceof Tensor)) throw new Error(`${optimizer}.step: grads[${i}] is not a Tensor`);
    p.value.assertLive(`${optimizer}.step (params[${i}])`);
    g.assertLive(`${optimizer}.step (grads[${i}])`);
    if (g.shape.length !== p.value.shape.length || g.shape.some((d, k) => d !== p.value.shape[k])) {
      throw new Error(`${optimizer}.step: grads[${i}] has shape ${fmt(g.shape)} but params[${i}] has shape ${fmt(p.value.shape)}`);
    }
    if (p.value.dtype !== 'float32' || g.dtype !== 'float32') {
      throw new Error(`${optimizer}.step: params[${i}] is ${p.value.dtype} with a ${g.dtype} gradient; optimizers update float32 parameters only (keep float32 master weights)`);
    }
    active.push(i);
  });
  return active;
}
