/**
 * Strong branching (the GNN's teacher): bound both children of every candidate ReLU and take the
 * one whose split improves the bound most (the {@link improvement} metric, ties broken by the sum
 * of the child bounds).
 */
import { babsrScores } from './babsr';
import { ambiguousCandidates, improvement, type BranchingContext, type BranchingRule, type ReluChoice } from './rule';

/** One candidate's child bounds and improvement. */
export interface StrongBranchingScore {
  /** The candidate. */
  readonly choice: ReluChoice;
  /** Lower bounds of the inactive and active children. */
  readonly children: [number, number];
  /** Improvement metric in [0, 1]. */
  readonly improvement: number;
}

/**
 * Bounds the children of every candidate of the context (or of the `limit` best by BaBSR score);
 * the raw material of strong branching and of GNN training.
 */
export async function strongBranchingScores(ctx: BranchingContext, limit = Infinity): Promise<StrongBranchingScore[]> {
  let candidates = ambiguousCandidates(ctx.splits, ctx.bounds);
  if (candidates.length > limit) {
    const { scores } = babsrScores(ctx.net, ctx.bounds, ctx.splits, ctx.objective.coeffs);
    candidates = candidates.map((c) => ({ c, s: scores[c.layer][c.index] })).sort((a, b) => b.s - a.s).slice(0, limit).map((e) => e.c);
  }
  return scoreCandidates(ctx, candidates);
}

/** Bounds the children of the given candidates (a teacher's chosen subset) and rates each split. */
export async function scoreCandidates(ctx: BranchingContext, candidates: readonly ReluChoice[]): Promise<StrongBranchingScore[]> {
  const out: StrongBranchingScore[] = [];
  for (const choice of candidates) {
    const children = await ctx.boundChildren(choice);
    out.push({ choice, children, improvement: improvement(ctx.lower, children[0], children[1]) });
  }
  return out;
}

/** Settings of {@link createStrongBranching}. */
export interface StrongBranchingOptions {
  /**
   * Evaluate only this many candidates, those with the highest BaBSR scores (filtered strong
   * branching); default all, the plain teacher.
   */
  maxCandidates?: number;
}

/** The strong branching rule. */
export function createStrongBranching(options: StrongBranchingOptions = {}): BranchingRule {
  const limit = options.maxCandidates ?? Infinity;
  return {
    name: 'strong',
    async choose(ctx) {
      const scores = await strongBranchingScores(ctx, limit);
      let best: StrongBranchingScore | null = null;
      for (const s of scores) {
        const better = !best || s.improvement > best.improvement || (s.improvement === best.improvement && s.children[0] + s.children[1] > best.children[0] + best.children[1]);
        if (better) best = s;
      }
      return best?.choice ?? null;
    },
  };
}
