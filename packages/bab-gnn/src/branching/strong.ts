/**
 * Strong branching (the GNN's teacher): bound both children of every candidate ReLU and take the
 * one whose split improves the bound most (the {@link improvement} metric, ties broken by the sum
 * of the child bounds).
 */
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

/** Bounds the children of every candidate of the context; the raw material of strong branching and of GNN training. */
export async function strongBranchingScores(ctx: BranchingContext, limit = Infinity): Promise<StrongBranchingScore[]> {
  const out: StrongBranchingScore[] = [];
  for (const choice of ambiguousCandidates(ctx.splits, ctx.bounds).slice(0, limit)) {
    const children = await ctx.boundChildren(choice);
    out.push({ choice, children, improvement: improvement(ctx.lower, children[0], children[1]) });
  }
  return out;
}

/** Settings of {@link createStrongBranching}. */
export interface StrongBranchingOptions {
  /** Most candidates evaluated (in layer order; default all). */
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
