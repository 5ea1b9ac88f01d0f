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
  /**
   * ‖∇W_l under the network's rules‖ / ‖∇W_l by BP‖: how large a step the rule takes against BP's
   * at the same rate (1 for BP blocks). A DFA block's feedback is fixed while the layers above it
   * grow, so this usually falls during training. NaN when BP's gradient is zero.
   */
  normRatio: number;
  /**
   * For DFA blocks, the mean over the batch's samples of cos(e_i·B_lᵀ, ∂L/∂h_l,i): the gradient
   * DFA injects at the block's output against the one BP would bring there. Null for BP blocks.
   */
  deltaCosine: number | null;
}

/** cos(a, b) over all entries and ‖a‖ / ‖b‖, on the device; three numbers read back. */
async function compare(a: t.Tensor, b: t.Tensor): Promise<{ cosine: number; normRatio: number }> {
  const parts = t.tidy(() => t.stack([t.sum(t.mul(a, b)), t.sum(t.square(a)), t.sum(t.square(b))]));
  try {
    const [dot, na, nb] = await parts.data();
    return { cosine: na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : NaN, normRatio: nb > 0 ? Math.sqrt(na / nb) : NaN };
  } finally {
    parts.dispose();
  }
}

/** Mean over rows of the cosine between matching rows of `a` and `b` (both `[n, ...]`). */
async function meanRowCosine(a: t.Tensor, b: t.Tensor): Promise<number> {
  const n = a.shape[0];
  const cosines = t.tidy(() => {
    const a2 = t.reshape(a, [n, -1]);
    const b2 = t.reshape(b, [n, -1]);
    const dot = t.sum(t.mul(a2, b2), 1);
    const norms = t.sqrt(t.mul(t.sum(t.square(a2), 1), t.sum(t.square(b2), 1)));
    return t.div(dot, norms);
  });
  try {
    const values = await cosines.data();
    let sum = 0;
    let count = 0;
    for (const v of values) if (Number.isFinite(v)) (sum += v), count++;
    return count > 0 ? sum / count : NaN;
  } finally {
    cosines.dispose();
  }
}

/**
 * For each DFA block, the mean per-sample cosine between the gradient DFA injects at its output
 * (e·B_lᵀ) and the true BP gradient of the loss with respect to that output, on one batch.
 */
async function deltaCosines(network: DfaNetwork, x: t.Tensor, labels: Int32Array): Promise<(number | null)[]> {
  const blocks = network.blocks;
  const hidden = blocks.length - 1;
  const outputs = t.tidy(() =>
    t.noGrad(() => {
      const hs: t.Tensor[] = [];
      let h = x;
      for (const b of blocks) hs.push((h = b.forward(h)));
      return hs;
    }),
  );
  try {
    const error = t.tidy(() => t.grad((z: t.Tensor) => t.crossEntropy(z, labels))(outputs[hidden])[0]);
    try {
      const out: (number | null)[] = [];
      for (let l = 0; l < hidden; l++) {
        const feedback = network.feedback[l];
        if (!feedback) {
          out.push(null);
          continue;
        }
        const [injected, truth] = t.tidy(() => {
          const [g] = t.grad((h: t.Tensor) => {
            let y = h;
            for (const b of blocks.slice(l + 1)) y = b.forward(y);
            return t.crossEntropy(y, labels);
          })(outputs[l]);
          return [feedback.project(error), g];
        });
        try {
          out.push(await meanRowCosine(injected, truth));
        } finally {
          t.dispose([injected, truth]);
        }
      }
      return out;
    } finally {
      error.dispose();
    }
  } finally {
    t.dispose(outputs);
  }
}

/**
 * Per hidden block, the cosine between the weight update the network's rules give and the true
 * BP update and the ratio of their norms, both computed on the same batch from the same weights (a BP twin pass that updates
 * nothing), and for DFA blocks the per-sample cosine of the injected gradient with BP's at the
 * block's output. For the output layer both are the true gradient, so it is not listed. The batch
 * is validated by {@link DfaNetwork.gradients}.
 */
export async function measureAlignment(network: DfaNetwork, x: t.Tensor, labels: ArrayLike<number>): Promise<LayerAlignment[]> {
  const params = network.parameters();
  const ids = Int32Array.from(labels);
  const deltas = await deltaCosines(network, x, ids);
  const ours = network.gradients(x, labels);
  const bp = network.backpropGradients(x, labels);
  try {
    const out: LayerAlignment[] = [];
    for (let l = 0; l < network.rules.length; l++) {
      const k = params.indexOf(network.blocks[l].weightLayer.weight);
      const { cosine, normRatio } = await compare(ours.grads[k], bp.grads[k]);
      out.push({ blockIndex: l, rule: network.rules[l], weightCosine: cosine, normRatio, deltaCosine: deltas[l] });
    }
    return out;
  } finally {
    t.dispose([ours.loss, bp.loss, ...ours.grads, ...bp.grads]);
  }
}
