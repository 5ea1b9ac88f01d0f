import * as t from '@nnlab/tensor-gpu';
import { splitIntoBlocks, type Block } from './blocks';
import { FeedbackMatrix } from './feedback/matrix';
import { drawFeedback } from './feedback/schemes';
import { resolveOptions, type DfaOptions, type LayerRule, type ResolvedOptions } from './options';

/** Loss and gradients of one batch, one gradient per trainable parameter (in `parameters` order). */
export interface BatchGradients {
  /** The batch-mean cross-entropy (a scalar tensor, owned by the caller). */
  loss: t.Tensor;
  /** One gradient per entry of {@link DfaNetwork.parameters} (owned by the caller). */
  grads: t.Tensor[];
}

/** Where the output error of the current step is published for the feedback taps. */
interface ErrorSlot {
  error: t.Tensor | null;
}

function labelsOf(labels: ArrayLike<number>, n: number, classes: number, op: string): Int32Array {
  if (!labels || typeof labels.length !== 'number') throw new Error(`${op}: labels must be an array of class ids`);
  if (labels.length !== n) throw new Error(`${op}: got ${labels.length} labels for a batch of ${n}`);
  const out = Int32Array.from(labels);
  out.forEach((c, i) => {
    if (!Number.isInteger(labels[i]) || c < 0 || c >= classes) throw new Error(`${op}: labels[${i}] = ${labels[i]} is not a class id in [0, ${classes})`);
  });
  return out;
}

/**
 * A `Sequential` model trained by direct feedback alignment, back-propagation or a per-block
 * mix of the two. The network is cut into local blocks (one weight layer plus the parameter-free
 * layers after it, see {@link splitIntoBlocks}); the last block is the output layer.
 *
 * One training step is one reverse-mode pass of tensor-gpu's autodiff over a surrogate loss:
 * - a DFA block's output feeds the next block through a cut (no gradient flows back through the
 *   weights above), and a `customGrad` tap on the block's output injects `e·B_lᵀ`, so that
 *   autodiff through the block's activation and pooling yields δa_l = (B_l e) ⊙ f′(a_l) and the
 *   ordinary weight gradient δa_lᵀ·h_{l−1};
 * - e = ∂L/∂logits is the very gradient BP hands to the output layer, captured by an identity
 *   `customGrad` on the logits (for batch-mean softmax cross-entropy, (softmax − onehot)/n);
 * - BP blocks are plain autodiff; the output layer always gets its true gradient.
 * With no DFA block nothing is inserted and the step is plain back-propagation, bit for bit.
 */
export class DfaNetwork {
  /** The local blocks, the output layer last. */
  readonly blocks: readonly Block[];
  /** The rule of each hidden block (one entry fewer than {@link blocks}). */
  readonly rules: readonly LayerRule[];
  /** The feedback matrix of each hidden block (null for BP blocks). */
  readonly feedback: readonly (FeedbackMatrix | null)[];
  /** Validated options. */
  readonly options: ResolvedOptions;
  /** Number of classes (outputs of the last layer). */
  readonly classes: number;
  /** Shape of one sample of each block's output. */
  readonly outputShapes: readonly (readonly number[])[];

  constructor(
    /** The model (its parameters are trained in place by {@link step}). */
    readonly model: t.nn.Sequential,
    options: DfaOptions,
  ) {
    this.blocks = splitIntoBlocks(model);
    this.options = resolveOptions(options, this.blocks);
    this.rules = this.options.rules;
    this.classes = (this.blocks[this.blocks.length - 1].weightLayer as t.nn.Linear).outFeatures;
    this.outputShapes = this.probeShapes();
    const dfaBlocks = this.rules.flatMap((r, i) => (r === 'dfa' ? [i] : []));
    const sizes = dfaBlocks.map((i) => this.outputShapes[i].reduce((a, b) => a * b, 1));
    const drawn = drawFeedback(this.options.feedback, { sizes, classes: this.classes }, this.options.seed);
    const matrices: (FeedbackMatrix | null)[] = this.rules.map(() => null);
    this.options.feedbackValues.forEach((v, i) => {
      if (v !== null && v !== undefined && this.rules[i] !== 'dfa') throw new Error(`createDfa: options.feedbackValues[${i}] is given but block ${i} is trained by BP`);
    });
    dfaBlocks.forEach((blockIndex, k) => {
      const explicit = this.options.feedbackValues[blockIndex];
      if (explicit !== null && explicit !== undefined) {
        const rows = sizes[k];
        if (explicit.length !== rows * this.classes) throw new Error(`createDfa: options.feedbackValues[${blockIndex}] has ${explicit.length} values, expected [${rows}, ${this.classes}] = ${rows * this.classes}`);
        matrices[blockIndex] = new FeedbackMatrix(blockIndex, this.outputShapes[blockIndex], this.classes, explicit);
        return;
      }
      const { values, std } = drawn[k];
      const scale = this.options.feedbackScale;
      const scaled = values.map((v) => v * scale);
      const c = this.options.binary ? (this.options.binaryScale ?? std * scale) : null;
      matrices[blockIndex] = new FeedbackMatrix(blockIndex, this.outputShapes[blockIndex], this.classes, scaled, c);
    });
    this.feedback = matrices;
  }

  /** Output shape of every block for one sample, from a forward pass on one zero sample. */
  private probeShapes(): number[][] {
    return t.tidy(() =>
      t.noGrad(() => {
        let h = t.zeros([1, ...this.options.inputShape]);
        return this.blocks.map((b) => {
          try {
            h = b.forward(h);
          } catch (err) {
            throw new Error(`createDfa: block ${b.index} rejects the output of the blocks before it for inputShape [${this.options.inputShape.join(', ')}]: ${(err as Error).message}`);
          }
          return h.shape.slice(1);
        });
      }),
    );
  }

  /** The trainable parameters, in the order of the gradients returned by {@link gradients}. */
  parameters(): t.nn.Parameter[] {
    return this.model.trainableParameters();
  }

  private checkBatch(x: t.Tensor, labels: ArrayLike<number>, op: string): Int32Array {
    if (!(x instanceof t.Tensor)) throw new Error(`${op}: x must be a Tensor`);
    const want = this.options.inputShape;
    if (x.rank !== want.length + 1 || want.some((d, i) => x.shape[i + 1] !== d)) {
      throw new Error(`${op}: x must be [batch, ${want.join(', ')}], got [${x.shape.join(', ')}]`);
    }
    return labelsOf(labels, x.shape[0], this.classes, op);
  }

  /** The gradient of the loss with respect to one hidden block's output by true back-propagation through the blocks above it. */
  private upperGradient(blockIndex: number, h: t.Tensor, labels: Int32Array): t.Tensor {
    const upper = this.blocks.slice(blockIndex + 1);
    const [g] = t.grad((input: t.Tensor) => {
      let y = input;
      for (const b of upper) y = b.forward(y);
      return t.crossEntropy(y, labels);
    })(h);
    return g;
  }

  /**
   * The surrogate loss whose autodiff gradients are the DFA/BP/hybrid updates (see the class
   * comment). Its value equals the batch-mean cross-entropy.
   */
  private surrogateLoss(x: t.Tensor, labels: Int32Array): t.Tensor {
    const slot: ErrorSlot = { error: null };
    const taps: t.Tensor[] = [];
    let h = x;
    const hidden = this.blocks.length - 1;
    for (let l = 0; l < hidden; l++) {
      const out = this.blocks[l].forward(h);
      const feedback = this.feedback[l];
      const feedsDfaAbove = l + 1 < hidden && this.rules[l + 1] === 'dfa';
      if (feedback) {
        taps.push(this.dfaTap(feedback, slot)(out));
        h = t.detach(out);
      } else if (feedsDfaAbove && this.options.boundaryFeed === 'bp-delta') {
        taps.push(this.bpTap(l, labels)(out));
        h = t.detach(out);
      } else {
        h = out;
      }
    }
    let logits = this.blocks[hidden].forward(h);
    if (taps.length > 0) logits = this.errorCapture(slot)(logits);
    let loss = t.crossEntropy(logits, labels);
    for (const tap of taps) loss = t.add(loss, tap);
    return loss;
  }

  /** Identity on the logits whose backward publishes ∂L/∂logits (the output error e) for the taps. */
  private errorCapture(slot: ErrorSlot): (logits: t.Tensor) => t.Tensor {
    return t.customGrad(
      (logits: t.Tensor) => t.reshape(logits, logits.shape),
      (dy) => {
        slot.error = dy;
        return [dy];
      },
    );
  }

  /**
   * A zero-valued scalar on a DFA block's output whose backward is `e·B_lᵀ`: the gradient DFA
   * assigns to the block's output. The tap runs after the error capture (it was recorded before
   * the logits, and the tape runs backwards).
   */
  private dfaTap(feedback: FeedbackMatrix, slot: ErrorSlot): (h: t.Tensor) => t.Tensor {
    return t.customGrad(
      (_h: t.Tensor) => t.zeros([]),
      () => {
        if (!slot.error) throw new Error('DfaNetwork: the output error was not captured before a feedback tap ran');
        return [feedback.project(slot.error, this.options.signKernel)];
      },
    );
  }

  /** A zero-valued scalar on a BP block below a DFA block whose backward is the true BP gradient (boundaryFeed 'bp-delta'). */
  private bpTap(blockIndex: number, labels: Int32Array): (h: t.Tensor) => t.Tensor {
    return t.customGrad(
      (_h: t.Tensor) => t.zeros([]),
      (_dy, { inputs }) => [this.upperGradient(blockIndex, t.detach(inputs[0]), labels)],
    );
  }

  /**
   * The loss and the gradients of one batch under the configured rules (DFA, BP or hybrid). The
   * weights are not changed.
   *
   * @param x - the batch `[n, ...inputShape]`.
   * @param labels - n class ids.
   */
  gradients(x: t.Tensor, labels: ArrayLike<number>): BatchGradients {
    const ids = this.checkBatch(x, labels, 'DfaNetwork.gradients');
    const params = this.parameters();
    const { value, grads } = t.valueAndGrad((..._weights: t.Tensor[]) => this.surrogateLoss(x, ids))(...params.map((p) => p.value));
    return { loss: value, grads };
  }

  /** The loss and the true back-propagation gradients of one batch (the BP twin; weights unchanged). */
  backpropGradients(x: t.Tensor, labels: ArrayLike<number>): BatchGradients {
    const ids = this.checkBatch(x, labels, 'DfaNetwork.backpropGradients');
    const { loss, grads } = t.train.lossAndGrads(this.model, x, ids, { parameters: this.parameters() });
    return { loss, grads };
  }

  /**
   * One training step: the gradients of {@link gradients}, then `optimizer.step`. Returns the
   * batch loss (a scalar tensor owned by the caller).
   */
  step(x: t.Tensor, labels: ArrayLike<number>, optimizer: t.optim.StepOptimizer): t.Tensor {
    if (!optimizer || typeof optimizer.step !== 'function') throw new Error('DfaNetwork.step: optimizer must be a tensor-gpu Optimizer (e.g. t.optim.sgd({ lr }))');
    return t.tidy(() => {
      const { loss, grads } = this.gradients(x, labels);
      optimizer.step(this.parameters(), grads);
      return loss;
    });
  }

  /** Frees the feedback matrices (the model belongs to the caller). */
  dispose(): void {
    for (const f of this.feedback) f?.dispose();
  }
}

/**
 * Prepares `model` for DFA/BP/hybrid training: cuts it into blocks, resolves the rules and draws
 * the fixed feedback matrices from `options.seed`.
 *
 * @throws Error for a model that cannot be cut into Linear/Conv2d blocks, or bad options.
 *
 * @example
 * ```ts
 * import * as t from '@nnlab/tensor-gpu';
 * import { createDfa, measureAlignment } from '@nnlab/dfa';
 *
 * const model = new t.nn.Sequential(
 *   new t.nn.Linear(4, 16, { seed: 1 }), new t.nn.Tanh(),
 *   new t.nn.Linear(16, 16, { seed: 2 }), new t.nn.Tanh(),
 *   new t.nn.Linear(16, 3, { seed: 3 }),
 * );
 * const net = createDfa(model, { seed: 7, inputShape: [4], rules: 'dfa' });
 * const optimizer = t.optim.sgd({ lr: 0.05 });
 * const x = t.rand([32, 4], { seed: 4 });
 * const labels = Array.from({ length: 32 }, (_, i) => i % 3);
 * for (let step = 0; step < 5; step++) t.tidy(() => net.step(x, labels, optimizer)).dispose();
 * const alignment = await measureAlignment(net, x, labels); // cosine with the BP update, per hidden block
 * console.log(alignment.map((layer) => layer.rule)); // → [ 'dfa', 'dfa' ]
 * ```
 */
export function createDfa(model: t.nn.Sequential, options: DfaOptions): DfaNetwork {
  return new DfaNetwork(model, options);
}
