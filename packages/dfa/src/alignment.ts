import * as t from '@nnlab/tensor-gpu';
import type { LayerRule } from './options';
import type { DfaNetwork } from './network';

/** Alignment of one hidden block's update with back-propagation's on the same batch. */
export interface LayerAlignment {
  /** Index of the block. */
  blockIndex: number;
  /** Rule the block trains with. */
  rule: LayerRule;
  /** cos(∇W_l under the network's rules, ∇W_l by BP); 1 means the same direction. NaN when either is zero. */
  weightCosine: number;
}

/** cos(a, b) over all entries, on the device; three numbers read back. */
async function cosine(a: t.Tensor, b: t.Tensor): Promise<number> {
  const parts = t.tidy(() => t.stack([t.sum(t.mul(a, b)), t.sum(t.square(a)), t.sum(t.square(b))]));
  try {
    const [dot, na, nb] = await parts.data();
    return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : NaN;
  } finally {
    parts.dispose();
  }
}

/**
 * Per hidden block, the cosine between the weight update the network's rules give and the true
 * BP update, both computed on the same batch from the same weights (a BP twin pass that updates
 * nothing). For the output layer both are the true gradient, so it is not listed.
 */
export async function measureAlignment(network: DfaNetwork, x: t.Tensor, labels: ArrayLike<number>): Promise<LayerAlignment[]> {
  const params = network.parameters();
  const ours = network.gradients(x, labels);
  const bp = network.backpropGradients(x, labels);
  try {
    const out: LayerAlignment[] = [];
    for (let l = 0; l < network.rules.length; l++) {
      const k = params.indexOf(network.blocks[l].weightLayer.weight);
      out.push({ blockIndex: l, rule: network.rules[l], weightCosine: await cosine(ours.grads[k], bp.grads[k]) });
    }
    return out;
  } finally {
    t.dispose([ours.loss, bp.loss, ...ours.grads, ...bp.grads]);
  }
}
