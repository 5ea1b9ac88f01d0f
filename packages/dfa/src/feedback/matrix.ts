import * as t from '@nnlab/tensor-gpu';
import { makeSignMatrix, signProject, type SignMatrix } from './sign-project';

/**
 * The fixed feedback matrix B_l of one DFA layer, `[n_l, C]`: it maps the output error e `[n, C]`
 * to the gradient injected at the block's output, `e · B_lᵀ` reshaped to the block's output shape.
 * It is not a parameter: no optimizer sees it, and it never changes after construction.
 */
export class FeedbackMatrix {
  /** B_l as used, `[n_l, C]` row-major (exactly ±{@link binaryScale} for binary feedback). */
  readonly values: Float32Array;
  /** B_l on the device, `[n_l, C]`. */
  readonly weights: t.Tensor;
  /** For binary feedback, the signs and the multiplication-free plan; null otherwise. */
  readonly sign: SignMatrix | null;

  constructor(
    /** Index of the block this matrix feeds. */
    readonly blockIndex: number,
    /** Shape of one sample of the block's output (e.g. `[800]` or `[64, 4, 4]`). */
    readonly outputShape: readonly number[],
    /** Number of classes C. */
    readonly classes: number,
    values: ArrayLike<number>,
    /** For binary feedback, the magnitude c of every entry; null for real-valued feedback. */
    readonly binaryScale: number | null = null,
  ) {
    const rows = outputShape.reduce((a, b) => a * b, 1);
    if (values.length !== rows * classes) throw new Error(`FeedbackMatrix: expected ${rows}×${classes} values, got ${values.length}`);
    if (binaryScale !== null && !(Number.isFinite(binaryScale) && binaryScale > 0)) throw new Error(`FeedbackMatrix: binaryScale must be a finite number > 0, got ${String(binaryScale)}`);
    this.values = binaryScale === null ? Float32Array.from(values) : Float32Array.from(values, (v) => (v >= 0 ? binaryScale : -binaryScale));
    this.weights = t.keep(t.tensor(this.values, [rows, classes]));
    this.sign = binaryScale === null ? null : makeSignMatrix(Array.from(this.values, (v) => v > 0), rows, classes);
  }

  /** n_l, the number of outputs per sample of the fed block. */
  get rows(): number {
    return this.values.length / this.classes;
  }

  /** Whether B_l ∈ {−c, +c} (binary DFA). */
  get binary(): boolean {
    return this.binaryScale !== null;
  }

  /**
   * The gradient DFA injects at the block's output: `e · B_lᵀ`, `[n, ...outputShape]`. Binary
   * feedback scales e by c once (`n·C` multiplications) and then only adds and subtracts.
   *
   * @param e - the output error ∂L/∂logits, `[n, C]`.
   * @param useSignKernel - for binary feedback, false runs an ordinary float matmul with the ±c
   * matrix instead (for comparisons); ignored for real-valued feedback.
   */
  project(e: t.Tensor, useSignKernel = true): t.Tensor {
    if (!(e instanceof t.Tensor) || e.rank !== 2 || e.shape[1] !== this.classes) {
      throw new Error(`FeedbackMatrix.project: e must be [batch, ${this.classes}], got ${e instanceof t.Tensor ? `[${e.shape.join(', ')}]` : typeof e}`);
    }
    return t.tidy(() => {
      const flat = this.sign && useSignKernel ? signProject(t.mul(e, this.binaryScale!), this.sign) : t.matmul(e, this.weights, { transposeB: true });
      return t.reshape(flat, [e.shape[0], ...this.outputShape]);
    });
  }

  /** Frees the device copies. */
  dispose(): void {
    this.weights.dispose();
    this.sign?.signs.dispose();
  }
}
