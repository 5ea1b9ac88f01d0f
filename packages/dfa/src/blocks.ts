import * as t from '@nnlab/tensor-gpu';

/** Whether a block's weight layer is convolutional or fully connected. */
export type BlockKind = 'conv' | 'fc';

/**
 * One local block of a network: a weight layer (Linear or Conv2d) and every parameter-free layer
 * after it up to the next weight layer (activation, pooling, flatten). DFA feeds the error into
 * the block's output, so f′ of the delta rule includes the activation and the pooling, as in
 * TinyDFA's local blocks.
 */
export interface Block {
  /** Position among the blocks (0 = first). */
  readonly index: number;
  /** Whether the weight layer is a convolution or a linear layer. */
  readonly kind: BlockKind;
  /** The block's weight layer. */
  readonly weightLayer: t.nn.Linear | t.nn.Conv2d;
  /** The modules of the block, weight layer first. */
  readonly modules: readonly t.nn.Module[];
  /** Runs the block's modules in order. */
  forward(x: t.Tensor): t.Tensor;
}

function makeBlock(index: number, modules: t.nn.Module[]): Block {
  const weightLayer = modules[0] as t.nn.Linear | t.nn.Conv2d;
  return {
    index,
    kind: weightLayer instanceof t.nn.Conv2d ? 'conv' : 'fc',
    weightLayer,
    modules,
    forward(x) {
      let y = x;
      for (const m of modules) y = m.forward(y);
      return y;
    },
  };
}

/**
 * Cuts a `Sequential` into local blocks, one per weight layer. The last block is the output
 * layer (its output is the logits). Every layer with parameters must be a Linear or a Conv2d,
 * and the first layer must be one of them (a leading parameter-free layer would belong to no block).
 *
 * @throws Error naming the offending layer otherwise.
 */
export function splitIntoBlocks(model: t.nn.Sequential): Block[] {
  if (!(model instanceof t.nn.Sequential)) throw new Error('splitIntoBlocks: model must be a tensor-gpu nn.Sequential');
  const groups: t.nn.Module[][] = [];
  model.layers.forEach((layer, i) => {
    const isWeight = layer instanceof t.nn.Linear || layer instanceof t.nn.Conv2d;
    if (isWeight) {
      groups.push([layer]);
      return;
    }
    if (layer.parameters().length > 0) {
      throw new Error(`splitIntoBlocks: layer ${i} (${layer.constructor.name}) has parameters but is neither Linear nor Conv2d; DFA blocks support Linear and Conv2d weight layers only`);
    }
    if (groups.length === 0) throw new Error(`splitIntoBlocks: layer ${i} (${layer.constructor.name}) comes before the first Linear/Conv2d layer`);
    groups[groups.length - 1].push(layer);
  });
  if (groups.length < 2) throw new Error(`splitIntoBlocks: the model needs at least one hidden weight layer and an output layer, got ${groups.length} weight layer(s)`);
  const last = groups[groups.length - 1];
  if (last.length !== 1 || !(last[0] instanceof t.nn.Linear)) {
    throw new Error('splitIntoBlocks: the last block must be a single Linear layer producing the logits (no activation after it)');
  }
  return groups.map((g, i) => makeBlock(i, g));
}
