/**
 * Imitation learning of strong branching (Lu & Kumar 2020): record strong-branching decisions on
 * generated subproblems of small networks, then train the GNN with a hinge rank loss so that the
 * candidate with the best improvement scores highest.
 */
import * as t from '@nnlab/tensor-gpu';
import { boundDomain } from '../bab/bound-domain';
import { verify, type VerifyOptions } from '../bab/verify';
import { babsrScores, createBabsr } from '../branching/babsr';
import { scoreCandidates, strongBranchingScores } from '../branching/strong';
import { ambiguousCandidates, type BranchingContext, type BranchingRule, type ReluChoice } from '../branching/rule';
import { createNetwork, forward, type ReluNetwork } from '../network/network';
import type { VerificationSpec } from '../properties/spec';
import { graphFeatures, type GraphFeatures } from './features';
import type { BranchingGnn } from './model';

/** One recorded decision: the graph, the candidates and their strong-branching improvements. */
export interface BranchingSample {
  /** The network of the subproblem. */
  readonly net: ReluNetwork;
  /** GNN inputs at the decision. */
  readonly features: GraphFeatures;
  /** The candidate ReLUs. */
  readonly candidates: readonly ReluChoice[];
  /** Improvement of each candidate's split (strong branching), in [0, 1]. */
  readonly improvements: readonly number[];
}

/** A verification problem for training or evaluation. */
export interface BranchingProblem {
  /** The network. */
  readonly net: ReluNetwork;
  /** The property. */
  readonly spec: VerificationSpec;
}

/**
 * Random small problems: a ReLU network with Gaussian weights, a box around a random centre, and
 * the property y₀ − y₁ > θ, with θ a fraction `position` of the way from the CROWN lower bound
 * of y₀ − y₁ on the box to its smallest sampled value, so that it needs branching (and mostly holds).
 */
export async function generateProblems(count: number, options: { seed?: number; sizes?: readonly number[]; position?: number; width?: number } = {}): Promise<BranchingProblem[]> {
  const sizes = options.sizes ?? [4, 12, 12, 2];
  const position = options.position ?? 0.7;
  const width = options.width ?? 1.5;
  if (!Number.isInteger(count) || count < 1) throw new Error(`generateProblems: count must be a positive integer, got ${count}`);
  const u = t.data.createRng(options.seed ?? 0);
  const problems: BranchingProblem[] = [];
  for (let n = 0; n < count; n++) {
    const layers = [];
    for (let k = 0; k + 1 < sizes.length; k++) {
      const scale = 1 / Math.sqrt(sizes[k]);
      layers.push({
        weights: Array.from({ length: sizes[k + 1] }, () => Array.from({ length: sizes[k] }, () => t.data.randomNormal(u) * scale)),
        bias: Array.from({ length: sizes[k + 1] }, () => t.data.randomNormal(u) * 0.3),
      });
    }
    const net = createNetwork(layers);
    const centre = Array.from({ length: sizes[0] }, () => 2 * u() - 1);
    const lower = Float64Array.from(centre, (c) => c - width / 2);
    const upper = Float64Array.from(centre, (c) => c + width / 2);
    let min = Infinity;
    for (let s = 0; s < 2000; s++) {
      const y = forward(net, Array.from(lower, (l, i) => l + u() * (upper[i] - l)));
      min = Math.min(min, y[0] - y[1]);
    }
    const coeffs = new Float64Array(sizes[sizes.length - 1]);
    coeffs[0] = 1;
    coeffs[1] = -1;
    const root = await boundDomain(net, { lower, upper }, undefined, [[{ coeffs, constant: 0, strict: false }]], { method: 'crown' });
    const threshold = root.clauses[0].lower + position * (min - root.clauses[0].lower);
    problems.push({ net, spec: { inputSize: sizes[0], outputSize: coeffs.length, regions: [{ lower, upper, clauses: [[{ coeffs, constant: -threshold, strict: false }]] }] } });
  }
  return problems;
}

/**
 * Which candidates the teacher bounds at a decision, when bounding all of them costs too much (the
 * OVAL base model has hundreds of ambiguous ReLUs per domain, two bounds each).
 */
export interface TeacherCandidates {
  /** The `top` candidates with the highest BaBSR scores. */
  readonly top: number;
  /** Plus this many of the others, drawn at random: the student also sees splits BaBSR ranks low. */
  readonly random: number;
  /** Seed of the draw (default 0). */
  readonly seed?: number;
}

/** The candidates {@link TeacherCandidates} selects from a context (all of them when they are few), BaBSR's best first. */
export function teacherCandidates(ctx: BranchingContext, selection: TeacherCandidates, rng: () => number): ReluChoice[] {
  const { top, random } = selection;
  if (!(Number.isInteger(top) && top >= 0 && Number.isInteger(random) && random >= 0 && top + random >= 2)) {
    throw new Error(`teacherCandidates: selection must have integer top, random >= 0 with top + random >= 2, got top ${top}, random ${random}`);
  }
  const all = ambiguousCandidates(ctx.splits, ctx.bounds);
  const { scores } = babsrScores(ctx.net, ctx.bounds, ctx.splits, ctx.objective.coeffs);
  const ranked = all.map((c) => ({ c, s: scores[c.layer][c.index] })).sort((a, b) => b.s - a.s).map((e) => e.c);
  if (ranked.length <= top + random) return ranked;
  const rest = ranked.slice(top);
  // Partial Fisher-Yates: the first `random` entries of `rest` become a uniform draw.
  for (let i = 0; i < random; i++) {
    const j = i + Math.floor(rng() * (rest.length - i));
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  return [...ranked.slice(0, top), ...rest.slice(0, random)];
}

/** Settings of {@link collectStrongBranchingSamples}. */
export interface CollectOptions {
  /** Decisions recorded per problem (default 10). */
  decisionsPerProblem?: number;
  /** Verifier settings (ReLU splitting and the recording rule are forced). */
  verify?: VerifyOptions;
  /** Bound only a subset of the candidates at each decision (default: all, plain strong branching). */
  teacher?: TeacherCandidates;
  /**
   * The teacher decides (and is recorded at) every `recordEvery`-th decision, BaBSR the others
   * (default 1: the teacher decides all). The same number of recorded decisions then reaches
   * `recordEvery` times deeper into the tree for little more than the teacher's cost.
   */
  recordEvery?: number;
}

/**
 * Runs ReLU-splitting branch and bound guided by strong branching (over `teacher`'s candidates) on
 * each problem and records up to `decisionsPerProblem` decisions at the domains it visits (those
 * with at least two candidates and some improvement).
 */
export async function collectStrongBranchingSamples(problems: readonly BranchingProblem[], options: CollectOptions = {}): Promise<BranchingSample[]> {
  const perProblem = options.decisionsPerProblem ?? 10;
  const teacher = options.teacher;
  const every = options.recordEvery ?? 1;
  if (!(Number.isInteger(every) && every >= 1)) throw new Error(`collectStrongBranchingSamples: recordEvery must be an integer >= 1, got ${every}`);
  const rng = t.data.createRng(teacher?.seed ?? 0);
  const samples: BranchingSample[] = [];
  for (const { net, spec } of problems) {
    let recorded = 0;
    let decisions = 0;
    const between = createBabsr();
    const recorder: BranchingRule = {
      name: 'strong-recorder',
      async choose(ctx) {
        if (decisions++ % every !== 0) return between.choose(ctx);
        const scores = teacher ? await scoreCandidates(ctx, teacherCandidates(ctx, teacher, rng)) : await strongBranchingScores(ctx);
        if (scores.length === 0) return null;
        let best = scores[0];
        for (const s of scores) if (s.improvement > best.improvement || (s.improvement === best.improvement && s.children[0] + s.children[1] > best.children[0] + best.children[1])) best = s;
        if (recorded < perProblem && scores.length >= 2 && best.improvement > 0) {
          recorded++;
          samples.push({ net, features: graphFeatures(ctx), candidates: scores.map((s) => s.choice), improvements: scores.map((s) => s.improvement) });
        }
        return best.choice;
      },
    };
    await verify(net, spec, { timeout: 60, maxBranches: 4 * perProblem * every, attack: { restarts: 2, steps: 10 }, ...options.verify, splitting: 'relu', rule: recorder });
  }
  return samples;
}

/** Settings of {@link trainGnn}. */
export interface TrainGnnOptions {
  /** Passes over the samples (default 30). */
  epochs?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Weight decay (default 1e-4, as the reference). */
  weightDecay?: number;
  /** Hinge margin weight on the normalised target gaps (default 10, as the reference's model name). */
  margin?: number;
  /** Samples per optimizer step (default 8). */
  batchSize?: number;
  /** Shuffling seed (default 0). */
  seed?: number;
  /** Samples kept out of training (other problems): their loss and top-1 agreement are reported per epoch. */
  heldOut?: readonly BranchingSample[];
  /** Compute the top-1 agreement on the training samples for `onEpoch` (default true; one more pass per epoch). */
  trainTop1?: boolean;
  /** Epochs already done (a resumed run: the shuffles of those epochs are replayed, the model holds their weights). */
  startEpoch?: number;
  /**
   * Called after every epoch (awaited: a checkpoint can be written here) with the mean training
   * loss, the top-1 agreement with strong branching on the training samples (NaN when
   * `trainTop1` is false) and, with `heldOut`, the held-out loss and top-1 agreement.
   */
  onEpoch?: (epoch: number, loss: number, top1: number, heldOut?: { loss: number; top1: number }) => void | Promise<void>;
}

/** Hinge rank loss of one sample, as a scalar tensor: Σ_{j≠j*} max(0, m·(ŝ* − ŝ_j) − (s* − s_j)) / |C|. */
function sampleLoss(model: BranchingGnn, sample: BranchingSample, margin: number): t.Tensor {
  const layers = model.scores(sample.net, sample.features);
  const offsets: number[] = [];
  let total = 0;
  for (const l of layers) { offsets.push(total); total += l.shape[0]; }
  const all = t.concat(layers, 0); // [N, 1]
  const c = sample.candidates.length;
  const select = new Float32Array(c * total);
  sample.candidates.forEach((ch, j) => { select[j * total + offsets[ch.layer] + ch.index] = 1; });
  const s = t.matmul(t.tensor(select, [c, total]), all); // [C, 1]
  const maxImp = Math.max(...sample.improvements);
  const target = sample.improvements.map((v) => v / maxImp);
  const star = target.indexOf(1);
  const pick = new Float32Array(c);
  pick[star] = 1;
  const sStar = t.matmul(t.tensor(pick, [1, c]), s); // [1, 1]
  const gaps = Float32Array.from(target, (v) => margin * (1 - v));
  const mask = Float32Array.from(target, (_, j) => (j === star ? 0 : 1));
  // max(0, gap_j − (s* − s_j)) over j ≠ j*.
  const hinge = t.relu(t.sub(t.tensor(gaps, [c, 1]), t.sub(sStar, s)));
  return t.div(t.sum(t.mul(hinge, t.tensor(mask, [c, 1]))), Math.max(1, c - 1));
}

/** Trains the GNN on recorded samples; returns the loss per epoch run. Frees every tensor it makes. */
export async function trainGnn(model: BranchingGnn, samples: readonly BranchingSample[], options: TrainGnnOptions = {}): Promise<number[]> {
  const epochs = options.epochs ?? 30;
  const batchSize = options.batchSize ?? 8;
  const margin = options.margin ?? 10;
  const startEpoch = options.startEpoch ?? 0;
  if (samples.length === 0) throw new Error('trainGnn: no samples');
  if (!(Number.isInteger(startEpoch) && startEpoch >= 0)) throw new Error(`trainGnn: startEpoch must be an integer >= 0, got ${startEpoch}`);
  const params = model.trainableParameters();
  const optimizer = t.optim.adam({ lr: options.lr ?? 1e-3, weightDecay: options.weightDecay ?? 1e-4 });
  const u = t.data.createRng(options.seed ?? 0);
  const history: number[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = samples.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(u() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      if (epoch < startEpoch) continue;
      let sum = 0;
      for (let b = 0; b < order.length; b += batchSize) {
        const batch = order.slice(b, b + batchSize).map((i) => samples[i]);
        const { value, grads } = t.valueAndGrad((..._w: t.Tensor[]) => {
          const losses = batch.map((s) => sampleLoss(model, s, margin));
          return t.div(losses.reduce((acc, l) => t.add(acc, l)), batch.length);
        })(...params.map((p) => p.value));
        optimizer.step(params, grads as t.Tensor[]);
        sum += (await value.data())[0] * batch.length;
        value.dispose();
        t.dispose(grads as t.Tensor[]);
      }
      history.push(sum / samples.length);
      if (options.onEpoch) {
        const top1 = options.trainTop1 === false ? NaN : await top1Agreement(model, samples);
        const heldOut = options.heldOut?.length ? { loss: await meanRankLoss(model, options.heldOut, margin), top1: await top1Agreement(model, options.heldOut) } : undefined;
        await options.onEpoch(epoch, history[history.length - 1], top1, heldOut);
      }
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}

/** The mean hinge rank loss of the model on samples (no training): the held-out measure. */
export async function meanRankLoss(model: BranchingGnn, samples: readonly BranchingSample[], margin = 10): Promise<number> {
  let sum = 0;
  for (const s of samples) {
    const loss = t.tidy(() => t.noGrad(() => sampleLoss(model, s, margin)));
    sum += (await loss.data())[0];
    loss.dispose();
  }
  return sum / Math.max(1, samples.length);
}

/** Fraction of samples where the GNN's top candidate is one of strong branching's best (ties included). */
export async function top1Agreement(model: BranchingGnn, samples: readonly BranchingSample[]): Promise<number> {
  let hits = 0;
  for (const s of samples) {
    const scores = t.noGrad(() => model.scores(s.net, s.features));
    const values = await Promise.all(scores.map((x) => x.data()));
    t.dispose(scores);
    let best = 0;
    s.candidates.forEach((c, j) => { if (values[c.layer][c.index] > values[s.candidates[best].layer][s.candidates[best].index]) best = j; });
    if (s.improvements[best] >= Math.max(...s.improvements) - 1e-12) hits++;
  }
  return hits / samples.length;
}
