import type { BoundaryFeed, LayerRule } from '../options';

/**
 * A fully connected network in float64 on the host, PyTorch layout: `weights[l]` is `[out, in]`
 * row-major, `y = x Wᵀ + b`; every hidden layer is followed by `activation`, the last layer
 * gives the logits of a batch-mean softmax cross-entropy.
 */
export interface Float64Mlp {
  /** Layer widths, input first, classes last (e.g. `[784, 800, 800, 10]`). */
  sizes: readonly number[];
  /** One `[sizes[l+1], sizes[l]]` matrix per layer. */
  weights: readonly Float64Array[];
  /** One `[sizes[l+1]]` vector per layer. */
  biases: readonly Float64Array[];
  /** The hidden activation. */
  activation: 'tanh' | 'relu';
}

/** How the reference computes the hidden updates. */
export interface Float64Rules {
  /** One rule per hidden layer. */
  rules: readonly LayerRule[];
  /** B_l `[n_l, C]` row-major for each DFA layer (null for BP layers). */
  feedback: readonly (Float64Array | null)[];
  /** What a BP layer below a DFA layer receives; default `'dfa-delta'`. */
  boundaryFeed?: BoundaryFeed;
}

/** Loss, output error and updates computed by {@link mlpUpdatesFloat64}. */
export interface Float64Updates {
  /** Batch-mean cross-entropy. */
  loss: number;
  /** e = ∂L/∂logits, `[n, C]` (already divided by n). */
  error: Float64Array;
  /** δa_l of every layer under the rules, `[n, sizes[l+1]]`. */
  deltas: Float64Array[];
  /** ∇W_l = δa_lᵀ·h_{l−1}, `[out, in]`. */
  weightGrads: Float64Array[];
  /** ∇b_l = Σ_rows δa_l. */
  biasGrads: Float64Array[];
}

const act = (kind: Float64Mlp['activation'], a: number): number => (kind === 'tanh' ? Math.tanh(a) : Math.max(a, 0));
const actPrime = (kind: Float64Mlp['activation'], a: number): number => (kind === 'tanh' ? 1 - Math.tanh(a) ** 2 : a > 0 ? 1 : 0);

/** Forward pass in float64: pre-activations `a[l]` and activations `h[l]` of every layer (`h[0]` is the input, `h[L]` the logits). */
export function mlpForwardFloat64(net: Float64Mlp, x: Float64Array, n: number): { a: Float64Array[]; h: Float64Array[] } {
  return forward(net, x, n);
}

function forward(net: Float64Mlp, x: Float64Array, n: number): { a: Float64Array[]; h: Float64Array[] } {
  const L = net.weights.length;
  const a: Float64Array[] = [];
  const h: Float64Array[] = [x];
  for (let l = 0; l < L; l++) {
    const [inp, out] = [net.sizes[l], net.sizes[l + 1]];
    const w = net.weights[l];
    const al = new Float64Array(n * out);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < out; j++) {
        let s = net.biases[l][j];
        for (let k = 0; k < inp; k++) s += h[l][i * inp + k] * w[j * inp + k];
        al[i * out + j] = s;
      }
    }
    a.push(al);
    h.push(l < L - 1 ? al.map((v) => act(net.activation, v)) : al);
  }
  return { a, h };
}

/** Batch-mean softmax cross-entropy of logits `[n, C]` and its gradient (softmax − onehot)/n. */
function softmaxCrossEntropy(logits: Float64Array, labels: ArrayLike<number>, n: number, c: number): { loss: number; error: Float64Array } {
  const error = new Float64Array(n * c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < c; k++) max = Math.max(max, logits[i * c + k]);
    let z = 0;
    for (let k = 0; k < c; k++) z += Math.exp(logits[i * c + k] - max);
    loss -= logits[i * c + labels[i]] - max - Math.log(z);
    for (let k = 0; k < c; k++) error[i * c + k] = (Math.exp(logits[i * c + k] - max) / z - (k === labels[i] ? 1 : 0)) / n;
  }
  return { loss: loss / n, error };
}

/** `δ·W` for δ `[n, out]` and W `[out, in]`: the gradient back-propagated to the layer's input. */
function backThroughWeights(delta: Float64Array, w: Float64Array, n: number, out: number, inp: number): Float64Array {
  const g = new Float64Array(n * inp);
  for (let i = 0; i < n; i++) for (let j = 0; j < out; j++) {
    const d = delta[i * out + j];
    if (d !== 0) for (let k = 0; k < inp; k++) g[i * inp + k] += d * w[j * inp + k];
  }
  return g;
}

/** Batch-mean cross-entropy of the network on `x` `[n, sizes[0]]` (for finite differences). */
export function mlpLossFloat64(net: Float64Mlp, x: Float64Array, labels: ArrayLike<number>): number {
  const n = labels.length;
  const { h } = forward(net, x, n);
  return softmaxCrossEntropy(h[h.length - 1], labels, n, net.sizes[net.sizes.length - 1]).loss;
}

/**
 * The textbook DFA/BP/hybrid updates of a fully connected network, in float64 (Nøkland 2016,
 * batch form): e = (softmax − onehot)/n; the output layer takes its true gradient; a DFA layer
 * δa_l = (e·B_lᵀ) ⊙ f′(a_l); a BP layer δa_l = (δa_{l+1}·W_{l+1}) ⊙ f′(a_l), where δa_{l+1} is
 * the delta the layer above actually uses (its DFA delta when it is a DFA layer), or, with
 * `boundaryFeed: 'bp-delta'` below a DFA layer, the true back-propagated delta. ∇W_l = δa_lᵀ·h_{l−1}.
 * This is the package's reference for its tensor-gpu implementation.
 *
 * @param x - inputs `[n, sizes[0]]` row-major.
 * @param labels - n class ids.
 */
export function mlpUpdatesFloat64(net: Float64Mlp, x: Float64Array, labels: ArrayLike<number>, rules: Float64Rules): Float64Updates {
  const L = net.weights.length;
  const n = labels.length;
  const c = net.sizes[L];
  if (rules.rules.length !== L - 1) throw new Error(`mlpUpdatesFloat64: expected ${L - 1} rules, got ${rules.rules.length}`);
  if (x.length !== n * net.sizes[0]) throw new Error(`mlpUpdatesFloat64: x has ${x.length} values, expected ${n}×${net.sizes[0]}`);
  const { a, h } = forward(net, x, n);
  const { loss, error } = softmaxCrossEntropy(a[L - 1], labels, n, c);
  const used: Float64Array[] = new Array(L);
  const truth: Float64Array[] = new Array(L);
  used[L - 1] = error;
  truth[L - 1] = error;
  for (let l = L - 2; l >= 0; l--) {
    const out = net.sizes[l + 1];
    const above = net.sizes[l + 2];
    const fPrime = a[l].map((v) => actPrime(net.activation, v));
    const trueIn = backThroughWeights(truth[l + 1], net.weights[l + 1], n, above, out);
    truth[l] = trueIn.map((g, i) => g * fPrime[i]);
    let incoming: Float64Array;
    if (rules.rules[l] === 'dfa') {
      const b = rules.feedback[l];
      if (!b || b.length !== out * c) throw new Error(`mlpUpdatesFloat64: layer ${l} is DFA but has no [${out}, ${c}] feedback matrix`);
      incoming = new Float64Array(n * out);
      for (let i = 0; i < n; i++) for (let j = 0; j < out; j++) {
        let s = 0;
        for (let k = 0; k < c; k++) s += error[i * c + k] * b[j * c + k];
        incoming[i * out + j] = s;
      }
    } else if (l + 1 < L - 1 && rules.rules[l + 1] === 'dfa' && rules.boundaryFeed === 'bp-delta') {
      incoming = trueIn;
    } else {
      incoming = backThroughWeights(used[l + 1], net.weights[l + 1], n, above, out);
    }
    used[l] = incoming.map((g, i) => g * fPrime[i]);
  }
  const weightGrads = used.map((d, l) => {
    const [inp, out] = [net.sizes[l], net.sizes[l + 1]];
    const g = new Float64Array(out * inp);
    for (let i = 0; i < n; i++) for (let j = 0; j < out; j++) {
      const v = d[i * out + j];
      if (v !== 0) for (let k = 0; k < inp; k++) g[j * inp + k] += v * h[l][i * inp + k];
    }
    return g;
  });
  const biasGrads = used.map((d, l) => {
    const out = net.sizes[l + 1];
    const g = new Float64Array(out);
    for (let i = 0; i < n; i++) for (let j = 0; j < out; j++) g[j] += d[i * out + j];
    return g;
  });
  return { loss, error, deltas: used, weightGrads, biasGrads };
}
