/**
 * The branching GNN (Lu & Kumar 2020) on tensor-gpu: the verified network is the graph
 * (input nodes, one node per hidden ReLU, one output node for the objective), the network's
 * weights are the edges, embeddings start at 0 and are updated by T rounds of a forward pass
 * (input → output) then a backward pass (output → input), and a score head rates every ReLU.
 * All MLPs are shared across layers, so one model runs on networks of any size; the model is
 * equivariant to permuting the neurons of a layer.
 */
import * as t from '@nnlab/tensor-gpu';
import type { ReluNetwork } from '../network/network';
import { layerEdges } from './edges';
import type { GraphFeatures } from './features';

/** Size settings of the GNN. */
export interface GnnConfig {
  /** Embedding size p (the reference uses 64; default 16, enough for small networks on a CPU). */
  embedding: number;
  /** Forward-backward rounds T (default 2, as the reference). */
  rounds: number;
}

/** Linear → ReLU → Linear. */
class Mlp extends t.nn.Module {
  readonly first: t.nn.Linear;
  readonly second: t.nn.Linear;
  constructor(inSize: number, hidden: number, outSize: number, seeds: t.nn.SeedSequence) {
    super();
    this.first = this.addModule('first', new t.nn.Linear(inSize, hidden, { seed: seeds.next() }));
    this.second = this.addModule('second', new t.nn.Linear(hidden, outSize, { seed: seeds.next() }));
  }
  forward(x: t.Tensor): t.Tensor {
    return this.second.forward(t.relu(this.first.forward(x)));
  }
}

/** The GNN: its parameters live in tensor-gpu modules; {@link BranchingGnn.scores} runs it. */
export class BranchingGnn extends t.nn.Module {
  /** The sizes it was built with. */
  readonly config: GnnConfig;
  private readonly inputForward: Mlp;
  private readonly reluForwardFeatures: Mlp;
  private readonly reluForwardMessage: Mlp;
  private readonly reluForwardCombine: Mlp;
  private readonly outputFeatures: t.nn.Linear;
  private readonly outputCombine: Mlp;
  private readonly reluBackwardFeatures: Mlp;
  private readonly reluBackwardMessage: Mlp;
  private readonly reluBackwardCombine: Mlp;
  private readonly inputBackwardFeatures: Mlp;
  private readonly inputBackwardCombine: Mlp;
  private readonly score: Mlp;

  /**
   * @param config - sizes (defaults: p = 16, T = 2).
   * @param seed - initialisation seed (default 0).
   */
  constructor(config: Partial<GnnConfig> = {}, seed = 0) {
    super();
    const p = config.embedding ?? 16;
    const rounds = config.rounds ?? 2;
    if (!Number.isInteger(p) || p < 1) throw new Error(`BranchingGnn: embedding must be a positive integer, got ${p}`);
    if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BranchingGnn: rounds must be a positive integer, got ${rounds}`);
    this.config = { embedding: p, rounds };
    const s = new t.nn.SeedSequence(seed);
    const mlp = (name: string, i: number, o: number) => this.addModule(name, new Mlp(i, p, o, s));
    this.inputForward = mlp('inputForward', 3, p);
    this.reluForwardFeatures = mlp('reluForwardFeatures', 7, p);
    this.reluForwardMessage = mlp('reluForwardMessage', 2 * p, p);
    this.reluForwardCombine = mlp('reluForwardCombine', 2 * p, p);
    this.outputFeatures = this.addModule('outputFeatures', new t.nn.Linear(4, p, { seed: s.next() }));
    this.outputCombine = mlp('outputCombine', 2 * p, p);
    this.reluBackwardFeatures = mlp('reluBackwardFeatures', 7, p);
    this.reluBackwardMessage = mlp('reluBackwardMessage', 2 * p, p);
    this.reluBackwardCombine = mlp('reluBackwardCombine', 2 * p, p);
    this.inputBackwardFeatures = mlp('inputBackwardFeatures', 2, p);
    this.inputBackwardCombine = mlp('inputBackwardCombine', 2 * p, p);
    this.score = mlp('score', p, 1);
  }

  /** Not used: the GNN takes a network and its features, see {@link BranchingGnn.scores}. */
  forward(x: t.Tensor): t.Tensor {
    return x;
  }

  /**
   * Scores of every hidden ReLU, one `[n_k, 1]` tensor per hidden layer (the caller owns them).
   * Records on the autodiff tape like any tensor-gpu computation, so it trains with `valueAndGrad`.
   */
  scores(net: ReluNetwork, f: GraphFeatures): t.Tensor[] {
    const hidden = net.layers.length - 1;
    return t.tidy(() => {
      const col = (a: Float32Array) => t.tensor(a, [a.length, 1]);
      const edges = net.layers.slice(0, hidden).map(layerEdges);
      const outW = t.tensor(f.outputWeights, [1, f.outputWeights.length]);
      const slope = f.slope.map(col);
      const rest = f.slope.map((d) => col(d.map((v) => 1 - v)));
      const amb = f.ambiguous.map(col);
      const alive = f.alive.map(col);
      const reluF = f.relu.map((a) => t.tensor(a, [a.length / 7, 7]));
      const gate = (m: t.Tensor, k: number) => t.concat([t.mul(slope[k], m), t.mul(rest[k], m)], 1);
      let input = this.inputForward.forward(t.tensor(f.input, [net.inputSize, 3]));
      const relus: t.Tensor[] = new Array(hidden);
      const fwdFeat = reluF.map((x, k) => t.mul(this.reluForwardFeatures.forward(x), amb[k]));
      const bwdFeat = reluF.map((x, k) => t.mul(this.reluBackwardFeatures.forward(x), amb[k]));
      const outFeat = t.relu(this.outputFeatures.forward(t.tensor(f.output, [1, 4])));
      const inBwdFeat = this.inputBackwardFeatures.forward(t.tensor(f.inputBounds, [net.inputSize, 2]));
      for (let round = 0; round < this.config.rounds; round++) {
        let prev = input;
        for (let k = 0; k < hidden; k++) {
          const message = this.reluForwardMessage.forward(gate(edges[k].forward(prev), k));
          relus[k] = t.mul(this.reluForwardCombine.forward(t.concat([fwdFeat[k], message], 1)), alive[k]);
          prev = relus[k];
        }
        let next = this.outputCombine.forward(t.concat([outFeat, t.matmul(outW, prev)], 1));
        let back = t.matmul(outW, next, { transposeA: true });
        for (let k = hidden - 1; k >= 0; k--) {
          const message = this.reluBackwardMessage.forward(gate(back, k));
          relus[k] = t.mul(this.reluBackwardCombine.forward(t.concat([bwdFeat[k], message], 1)), alive[k]);
          next = relus[k];
          back = edges[k].backward(next);
        }
        input = this.inputBackwardCombine.forward(t.concat([inBwdFeat, back], 1));
      }
      return relus.map((r) => this.score.forward(r));
    });
  }
}
