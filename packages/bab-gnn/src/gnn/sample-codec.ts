/**
 * Recorded strong-branching decisions as flat float32 data plus a small header, so that the
 * expensive part of training (the teacher's child bounds) is computed once and cached on disk.
 * The network is not stored: a sample is read back against the network it was recorded on, and
 * every size is checked against it.
 */
import type { ReluNetwork } from '../network/network';
import type { GraphFeatures } from './features';
import type { BranchingSample } from './train';

/** The JSON part of a packed sample. */
export interface PackedSampleHeader {
  /** The teacher's candidates as `[layer, index]`. */
  readonly candidates: readonly (readonly [number, number])[];
  /** Their improvements (strong branching), in [0, 1]. */
  readonly improvements: readonly number[];
}

/** A sample as header + one float32 array (the features in {@link packedFeatureLength}'s order). */
export interface PackedSample {
  /** Candidates and improvements. */
  readonly header: PackedSampleHeader;
  /** input, inputBounds, then per hidden layer relu (7 per neuron), slope, ambiguous, alive; output (4), outputWeights. */
  readonly data: Float32Array;
}

/** Hidden layer sizes of a network (the ReLU layers). */
function hiddenSizes(net: ReluNetwork): number[] {
  return net.layers.slice(0, -1).map((l) => l.outSize);
}

/** Number of floats of a packed sample's features for `net`. */
export function packedFeatureLength(net: ReluNetwork): number {
  const hidden = hiddenSizes(net).reduce((a, n) => a + 10 * n, 0);
  return 5 * net.inputSize + hidden + 4 + net.layers[net.layers.length - 1].inSize;
}

/** Packs a sample (its network is not stored). */
export function packSample(sample: BranchingSample): PackedSample {
  const f = sample.features;
  const parts: Float32Array[] = [f.input, f.inputBounds];
  f.relu.forEach((r, k) => parts.push(r, f.slope[k], f.ambiguous[k], f.alive[k]));
  parts.push(f.output, f.outputWeights);
  const data = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  if (data.length !== packedFeatureLength(sample.net)) throw new Error(`packSample: the features have ${data.length} values, the network needs ${packedFeatureLength(sample.net)}`);
  return { header: { candidates: sample.candidates.map((c) => [c.layer, c.index] as const), improvements: [...sample.improvements] }, data };
}

/**
 * Reads a packed sample back for `net`; throws naming what is wrong when the data does not fit the
 * network (length, candidates out of range or not ambiguous, improvements outside [0, 1]).
 */
export function unpackSample(net: ReluNetwork, packed: PackedSample): BranchingSample {
  const where = 'unpackSample';
  const { header, data } = packed ?? ({} as PackedSample);
  if (!(data instanceof Float32Array)) throw new Error(`${where}: data must be a Float32Array`);
  if (!header || !Array.isArray(header.candidates) || !Array.isArray(header.improvements)) throw new Error(`${where}: header must have candidates and improvements arrays`);
  const expected = packedFeatureLength(net);
  if (data.length !== expected) throw new Error(`${where}: data has ${data.length} values, expected ${expected} for this network`);
  if (header.candidates.length < 2 || header.candidates.length !== header.improvements.length) {
    throw new Error(`${where}: expected at least 2 candidates and one improvement per candidate, got ${header.candidates.length} candidates and ${header.improvements.length} improvements`);
  }
  const sizes = hiddenSizes(net);
  let at = 0;
  const take = (n: number) => data.subarray(at, (at += n));
  const input = take(3 * net.inputSize);
  const inputBounds = take(2 * net.inputSize);
  const relu: Float32Array[] = [];
  const slope: Float32Array[] = [];
  const ambiguous: Float32Array[] = [];
  const alive: Float32Array[] = [];
  for (const n of sizes) {
    relu.push(take(7 * n));
    slope.push(take(n));
    ambiguous.push(take(n));
    alive.push(take(n));
  }
  const features: GraphFeatures = { input, inputBounds, relu, slope, ambiguous, alive, output: take(4), outputWeights: take(net.layers[net.layers.length - 1].inSize) };
  const candidates = header.candidates.map((c, j) => {
    const [layer, index] = Array.isArray(c) ? c : [NaN, NaN];
    if (!(Number.isInteger(layer) && layer >= 0 && layer < sizes.length && Number.isInteger(index) && index >= 0 && index < sizes[layer])) {
      throw new Error(`${where}: candidate ${j} is ${JSON.stringify(c)}, not a [layer, index] of the network's hidden layers (sizes ${sizes.join(', ')})`);
    }
    if (ambiguous[layer][index] !== 1) throw new Error(`${where}: candidate ${j} (${layer}, ${index}) is not an ambiguous ReLU in the sample's features`);
    return { layer, index };
  });
  header.improvements.forEach((v, j) => {
    if (!(typeof v === 'number' && v >= 0 && v <= 1)) throw new Error(`${where}: improvement ${j} must be a number in [0, 1], got ${v}`);
  });
  return { net, features, candidates, improvements: [...header.improvements] };
}
