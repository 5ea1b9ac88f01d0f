/**
 * A gradient-free search for a counterexample, run before PGD: sampling biased towards the faces
 * of the input box, then a few rounds of the cross-entropy method around the best samples. It
 * minimises a clause's margin max_j (c_j·y + d_j), which is ≤ 0 exactly where the clause holds.
 *
 * Why: counterexamples of ACAS Xu-like properties often sit on the faces of the input box (an
 * input at one of its extremes), where uniformly drawn starts never land and where gradients are
 * often zero (every ReLU of a layer off), so PGD alone misses them.
 */
import { data } from '@nnlab/tensor-gpu';
import type { ReluNetwork } from '../network/network';
import { checkClause, PointReplay, type Counterexample } from './counterexample';
import type { Box } from '../bounds/types';
import { innerBox, type OutputConstraint, type SpecRegion, type VerificationSpec } from './spec';

/** Settings of {@link sampleAttack}. */
export interface SampleAttackOptions {
  /** Initial samples per region and clause (default 300). */
  samples?: number;
  /** Refinement rounds (default 8). */
  rounds?: number;
  /** Samples per refinement round (default 100). */
  roundSamples?: number;
  /** Best samples kept between rounds (default 20). */
  elite?: number;
  /** Probability that a coordinate of an initial sample is put on one face of the box (default 0.5). */
  faceProbability?: number;
  /**
   * Best samples that, after the initial sampling and after every round, are moved onto each face
   * of the box one coordinate at a time (default 5).
   */
  snapped?: number;
  /** Seed (default 0). */
  seed?: number;
  /** Stop (returning null) once `performance.now()` passes this time, in ms (default none). */
  deadline?: number;
  /**
   * Search only these sub-boxes (e.g. the domains with the lowest bounds), each for the clauses of
   * its region, instead of every region's whole box.
   */
  within?: readonly { readonly region: number; readonly box: Box; readonly clauses?: readonly number[] }[];
}

/** The clause's margin at output y: ≤ 0 iff every constraint holds (in float64). */
function margin(clause: readonly OutputConstraint[], y: ArrayLike<number>): number {
  let worst = -Infinity;
  for (const c of clause) {
    let v = c.constant;
    for (let i = 0; i < y.length; i++) v += c.coeffs[i] * y[i];
    if (v > worst) worst = v;
  }
  return worst;
}

/** The region's float64 input set (its inner box), intersected with `box` when given; null when empty. */
function searchBox(region: SpecRegion, box: Box | undefined): Box | null {
  const inner = innerBox(region);
  if (!inner || !box) return inner;
  const lower = Float64Array.from(inner.lower, (l, i) => Math.max(l, box.lower[i]));
  const upper = Float64Array.from(inner.upper, (u, i) => Math.min(u, box.upper[i]));
  return lower.every((l, i) => l <= upper[i]) ? { lower, upper } : null;
}

/**
 * Searches every region and clause by face-biased sampling and cross-entropy refinement (with the
 * best samples also moved onto the faces, coordinate by coordinate); returns a
 * counterexample confirmed in exact arithmetic, or null.
 */
export function sampleAttack(net: ReluNetwork, spec: VerificationSpec, options: SampleAttackOptions = {}): Counterexample | null {
  const samples = options.samples ?? 300;
  const rounds = options.rounds ?? 8;
  const roundSamples = options.roundSamples ?? 100;
  const eliteSize = options.elite ?? 20;
  const face = options.faceProbability ?? 0.5;
  const snapped = options.snapped ?? 5;
  const deadline = options.deadline ?? Infinity;
  for (const [name, v] of [['samples', samples], ['rounds', rounds], ['roundSamples', roundSamples], ['elite', eliteSize], ['snapped', snapped]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`sampleAttack: ${name} must be an integer ≥ 0, got ${v}`);
  }
  if (!(face >= 0 && face <= 1)) throw new Error(`sampleAttack: faceProbability must be in [0, 1], got ${face}`);
  const uniform = data.createRng(options.seed ?? 0);
  const targets = options.within ?? spec.regions.map((_, region) => ({ region, box: undefined, clauses: undefined }));
  for (const target of targets) {
    const regionIndex = target.region;
    const box = searchBox(spec.regions[regionIndex], target.box);
    if (!box) continue; // no float64 point of the region's input set in it
    const width = Float64Array.from(box.upper, (u, i) => u - box.lower[i]);
    const clamp = (v: number, i: number) => Math.min(box.upper[i], Math.max(box.lower[i], v));
    const clauses = spec.regions[regionIndex].clauses;
    for (const clauseIndex of target.clauses ?? clauses.map((_, c) => c)) {
      const clause = clauses[clauseIndex];
      const scored: { x: Float64Array; m: number }[] = [];
      // Evaluates x; a counterexample when its float64 margin says it may be one and the exact replay agrees.
      const evaluate = (x: Float64Array): Counterexample | null => {
        const point = new PointReplay(net, x);
        const m = margin(clause, point.output);
        scored.push({ x, m });
        return m <= 0 ? checkClause(net, spec, point, regionIndex, clauseIndex) : null;
      };
      for (let s = 0; s < samples; s++) {
        if (performance.now() > deadline) return null;
        const x = Float64Array.from(width, (w, i) => {
          const r = uniform();
          return r < face / 2 ? box.lower[i] : r < face ? box.upper[i] : box.lower[i] + w * uniform();
        });
        const cex = evaluate(x);
        if (cex) return cex;
      }
      // The best samples with one coordinate moved onto a face: where random moves rarely land.
      const snap = (): Counterexample | null => {
        scored.sort((a, b) => a.m - b.m);
        const best = scored.slice(0, snapped).map((e) => e.x);
        for (const x of best) {
          for (let i = 0; i < x.length; i++) {
            for (const end of [box.lower[i], box.upper[i]]) {
              if (x[i] === end) continue;
              if (performance.now() > deadline) return null;
              const y = Float64Array.from(x);
              y[i] = end;
              const cex = evaluate(y);
              if (cex) return cex;
            }
          }
        }
        return null;
      };
      let sigma = 0.1;
      for (let round = 0; round < rounds && scored.length > 0; round++) {
        const snappedCex = snap();
        if (snappedCex) return snappedCex;
        if (performance.now() > deadline) return null;
        scored.sort((a, b) => a.m - b.m);
        const elite = scored.splice(0, eliteSize);
        scored.length = 0;
        scored.push(...elite);
        for (let s = 0; s < roundSamples; s++) {
          if (performance.now() > deadline) return null;
          const parent = elite[Math.floor(uniform() * elite.length)].x;
          // Keep some coordinates (those on a face stay there), move the others.
          const x = Float64Array.from(parent, (v, i) => (uniform() < 0.3 ? v : clamp(v + sigma * width[i] * data.randomNormal(uniform), i)));
          const cex = evaluate(x);
          if (cex) return cex;
        }
        sigma *= 0.75;
      }
    }
  }
  return null;
}
