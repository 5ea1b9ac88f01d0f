import * as t from '@nnlab/tensor-gpu';

/**
 * How the real-valued feedback matrices are drawn. `N` below is the largest feedback size (the
 * widest block output that receives feedback), `n_l` the size of layer l's output, `C` the classes.
 *
 * - `'uniform-shared'` (default, TinyDFA): one matrix `[N, C]` of U[−1, 1) divided by √N; layer l
 *   uses its first `n_l` rows, so narrow layers get a slice of the same matrix.
 * - `'uniform'`: an independent U[−1, 1)/√N matrix per layer (same distribution as the default).
 * - `'gaussian'`: independent N(0, 1/(3N)) entries: the variance of the default, Gaussian shape.
 * - `'width-scaled'` (principled DFA, Launay et al. 2019): N(0, 1/(n_l·C)): every layer's feedback
 *   has the same expected norm per output unit whatever its width.
 * - `'pattern'`: a reconstruction of Han and Yoo's pattern-based initialisation, whose exact rule
 *   is not published in the sources we could read. Reading "analysing the patterns of the fixed
 *   random matrices" as: the class columns of B_l should be distinct, well-separated patterns,
 *   each class column is drawn Gaussian and orthogonalised against the previous ones
 *   (Gram–Schmidt; when n_l < C only the first n_l columns can be orthogonal and the rest are
 *   kept random), then scaled to the default's variance 1/(3N). Treat it as one plausible reading.
 */
export type FeedbackScheme = 'uniform-shared' | 'uniform' | 'gaussian' | 'width-scaled' | 'pattern';

/** Every {@link FeedbackScheme}, for validation and sweeps. */
export const FEEDBACK_SCHEMES: readonly FeedbackScheme[] = ['uniform-shared', 'uniform', 'gaussian', 'width-scaled', 'pattern'];

/** The sizes a set of feedback matrices is drawn for. */
export interface FeedbackShape {
  /** Output size (values per sample) of each block that receives feedback, in block order. */
  readonly sizes: readonly number[];
  /** Number of classes (width of the output error). */
  readonly classes: number;
}

/** Real-valued feedback drawn for one layer: values `[n_l, C]` row-major and their theoretical std. */
export interface DrawnFeedback {
  /** B_l, `n_l × C` values, row-major (`B_l[j, k]` at `j·C + k`). */
  values: Float64Array;
  /** Standard deviation of the distribution the entries were drawn from (sets the binary scale). */
  std: number;
}

function uniformEntries(n: number, rng: t.data.Rng, scale: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = (2 * rng() - 1) * scale;
  return v;
}

function gaussianEntries(n: number, rng: t.data.Rng, std: number): Float64Array {
  // Box–Muller on the seeded generator; 1 − u keeps the logarithm finite.
  const v = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng()));
    const a = 2 * Math.PI * rng();
    v[i] = r * Math.cos(a) * std;
    if (i + 1 < n) v[i + 1] = r * Math.sin(a) * std;
  }
  return v;
}

/** Orthogonalises the class columns of a row-major `[rows, classes]` matrix (modified Gram–Schmidt), keeping each column's norm. */
function orthogonaliseColumns(values: Float64Array, rows: number, classes: number): void {
  const limit = Math.min(rows, classes);
  for (let k = 0; k < limit; k++) {
    let norm0 = 0;
    for (let j = 0; j < rows; j++) norm0 += values[j * classes + k] ** 2;
    for (let q = 0; q < k; q++) {
      let dot = 0;
      let nq = 0;
      for (let j = 0; j < rows; j++) {
        dot += values[j * classes + k] * values[j * classes + q];
        nq += values[j * classes + q] ** 2;
      }
      const f = dot / nq;
      for (let j = 0; j < rows; j++) values[j * classes + k] -= f * values[j * classes + q];
    }
    let norm1 = 0;
    for (let j = 0; j < rows; j++) norm1 += values[j * classes + k] ** 2;
    const restore = norm1 > 0 ? Math.sqrt(norm0 / norm1) : 0;
    for (let j = 0; j < rows; j++) values[j * classes + k] *= restore;
  }
}

/**
 * Draws the real-valued feedback matrices of every DFA layer, reproducibly from `seed`: layer i
 * (the i-th entry of `shape.sizes`) draws from `deriveSeed(seed, i)`, except `'uniform-shared'`,
 * which draws one matrix from `deriveSeed(seed, 0)` and slices it.
 *
 * @throws Error for an unknown scheme, bad sizes or a bad seed.
 */
export function drawFeedback(scheme: FeedbackScheme, shape: FeedbackShape, seed: number): DrawnFeedback[] {
  if (!FEEDBACK_SCHEMES.includes(scheme)) throw new Error(`drawFeedback: scheme must be one of ${FEEDBACK_SCHEMES.join(', ')}, got ${JSON.stringify(scheme)}`);
  const { sizes, classes } = shape;
  if (!Number.isInteger(classes) || classes < 1) throw new Error(`drawFeedback: classes must be a positive integer, got ${String(classes)}`);
  if (!Array.isArray(sizes) || sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`drawFeedback: sizes must be positive integers, got ${JSON.stringify(sizes)}`);
  if (!Number.isInteger(seed)) throw new Error(`drawFeedback: seed must be an integer, got ${String(seed)}`);
  if (sizes.length === 0) return [];
  const widest = Math.max(...sizes);
  const rngOf = (i: number) => t.data.createRng(t.nn.deriveSeed(seed, i));
  const defaultStd = 1 / Math.sqrt(3 * widest);
  switch (scheme) {
    case 'uniform-shared': {
      const shared = uniformEntries(widest * classes, rngOf(0), 1 / Math.sqrt(widest));
      return sizes.map((n) => ({ values: shared.slice(0, n * classes), std: defaultStd }));
    }
    case 'uniform':
      return sizes.map((n, i) => ({ values: uniformEntries(n * classes, rngOf(i), 1 / Math.sqrt(widest)), std: defaultStd }));
    case 'gaussian':
      return sizes.map((n, i) => ({ values: gaussianEntries(n * classes, rngOf(i), defaultStd), std: defaultStd }));
    case 'width-scaled':
      return sizes.map((n, i) => {
        const std = 1 / Math.sqrt(n * classes);
        return { values: gaussianEntries(n * classes, rngOf(i), std), std };
      });
    case 'pattern':
      return sizes.map((n, i) => {
        const values = gaussianEntries(n * classes, rngOf(i), defaultStd);
        orthogonaliseColumns(values, n, classes);
        return { values, std: defaultStd };
      });
  }
}
