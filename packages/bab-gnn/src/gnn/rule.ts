/**
 * The GNN branching rule with the reference's fail-safe: the GNN's choice is tried
 * first; when its improvement is below `failSafeThreshold`, the BaBSR choice is bounded too and
 * taken if it improves more.
 */
import * as t from '@nnlab/tensor-gpu';
import { createBabsr } from '../branching/babsr';
import { ambiguousCandidates, improvement, type BranchingRule, type ReluChoice } from '../branching/rule';
import { graphFeatures } from './features';
import type { BranchingGnn } from './model';

/** Settings of {@link createGnnBranching}. */
export interface GnnBranchingOptions {
  /** Check the GNN's choice and fall back to BaBSR when it gains too little (default true). */
  failSafe?: boolean;
  /** Improvement below which the fallback is consulted (default 0.2, the reference's `branching_thd`). */
  failSafeThreshold?: number;
  /** The fallback rule (default a fresh BaBSR). */
  fallback?: BranchingRule;
}

/** Counters of a GNN rule. */
export interface GnnBranchingStats {
  /** Decisions made. */
  decisions: number;
  /** Decisions where the fallback's choice was used. */
  fallbacks: number;
}

/** The GNN's own choice: the candidate with the highest score. */
export async function gnnChoice(model: BranchingGnn, ctx: Parameters<BranchingRule['choose']>[0]): Promise<ReluChoice | null> {
  const candidates = ambiguousCandidates(ctx.splits, ctx.bounds);
  if (candidates.length === 0) return null;
  const scores = t.noGrad(() => model.scores(ctx.net, graphFeatures(ctx)));
  try {
    const values = await Promise.all(scores.map((s) => s.data()));
    let best = candidates[0];
    for (const c of candidates) if (values[c.layer][c.index] > values[best.layer][best.index]) best = c;
    return best;
  } finally {
    t.dispose(scores);
  }
}

/**
 * Wraps a rule with the fail-safe: the primary choice's children are bounded; when its improvement
 * is below the threshold, the fallback's choice is bounded too and used if it improves more.
 */
export function withFailSafe(primary: BranchingRule, options: Omit<GnnBranchingOptions, 'failSafe'> = {}): BranchingRule & { readonly stats: GnnBranchingStats } {
  const threshold = options.failSafeThreshold ?? 0.2;
  const fallback = options.fallback ?? createBabsr();
  const stats: GnnBranchingStats = { decisions: 0, fallbacks: 0 };
  return {
    name: primary.name,
    stats,
    async choose(ctx) {
      const choice = await primary.choose(ctx);
      if (!choice) return null;
      stats.decisions++;
      const [a, b] = await ctx.boundChildren(choice);
      const impPrimary = improvement(ctx.lower, a, b);
      if (impPrimary >= threshold) return choice;
      const alt = await fallback.choose(ctx);
      if (!alt || (alt.layer === choice.layer && alt.index === choice.index)) return choice;
      const [c, d] = await ctx.boundChildren(alt);
      if (improvement(ctx.lower, c, d) > impPrimary) {
        stats.fallbacks++;
        return alt;
      }
      return choice;
    },
  };
}

/** A branching rule backed by a trained {@link BranchingGnn}, with the fail-safe unless disabled. */
export function createGnnBranching(model: BranchingGnn, options: GnnBranchingOptions = {}): BranchingRule & { readonly stats: GnnBranchingStats } {
  const plain: BranchingRule = { name: 'gnn', choose: (ctx) => gnnChoice(model, ctx) };
  if (options.failSafe ?? true) return withFailSafe(plain, options);
  const stats: GnnBranchingStats = { decisions: 0, fallbacks: 0 };
  return {
    name: 'gnn',
    stats,
    async choose(ctx) {
      const choice = await gnnChoice(model, ctx);
      if (choice) stats.decisions++;
      return choice;
    },
  };
}
