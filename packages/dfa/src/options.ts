import { FEEDBACK_SCHEMES, type FeedbackScheme } from './feedback/schemes';
import type { Block } from './blocks';

/** How one hidden block learns: back-propagation or direct feedback alignment. */
export type LayerRule = 'bp' | 'dfa';

/**
 * Named assignments of rules to the hidden blocks (the output layer always takes its true gradient):
 * `'bp'` every hidden block by BP (plain back-propagation); `'dfa'` every hidden block by DFA;
 * `'hybrid'` (default) convolutional blocks by BP and fully connected blocks by DFA, the most
 * likely reading of Han and Yoo (for an MLP it is the same as `'dfa'`).
 */
export type RulePreset = 'bp' | 'dfa' | 'hybrid';

/**
 * What a BP block directly below a DFA block receives (the conv/FC boundary of the hybrid):
 * `'dfa-delta'` (default) `W_{l+1}ᵀ·δ_{l+1}` with the DFA delta of the block above, i.e. what
 * back-propagating through that block's weights gives; `'bp-delta'` the true BP gradient of the
 * loss with respect to the block's output (an extra BP pass through the blocks above, without
 * their weight gradients). Han and Yoo's choice is not published in the sources we could read.
 */
export type BoundaryFeed = 'dfa-delta' | 'bp-delta';

/** Every {@link BoundaryFeed}, the default first. */
export const BOUNDARY_FEEDS: readonly BoundaryFeed[] = ['dfa-delta', 'bp-delta'];

/** Options of {@link createDfa}. */
export interface DfaOptions {
  /** Seed of the feedback matrices (required: they must be reproducible). */
  seed: number;
  /** Shape of one input sample, e.g. `[784]` or `[3, 32, 32]` (needed to size the feedback). */
  inputShape: readonly number[];
  /** A preset or one rule per hidden block (blocks − 1 entries); default `'hybrid'`. */
  rules?: RulePreset | readonly LayerRule[];
  /** See {@link BoundaryFeed}; default `'dfa-delta'`. */
  boundaryFeed?: BoundaryFeed;
  /** Distribution of the feedback matrices; default `'uniform-shared'` (TinyDFA). */
  feedback?: FeedbackScheme;
  /** Multiplies every real-valued feedback entry (and the default binary scale); default 1. */
  feedbackScale?: number;
  /** Binary DFA: B_l ∈ {−c, +c}, the signs of the real-valued draw; default false. */
  binary?: boolean;
  /**
   * c of binary DFA; default: the standard deviation of the real-valued scheme for that layer
   * (variance-matched, e.g. 1/√(3N) for the uniform schemes), times `feedbackScale`.
   */
  binaryScale?: number;
  /**
   * Binary DFA only: project with the multiplication-free sign kernel (default true) or with a
   * float matmul on the ±c matrix (same values up to rounding; for comparisons).
   */
  signKernel?: boolean;
  /**
   * Explicit real-valued feedback matrices, one entry per hidden block (`[n_l, C]` row-major
   * values, or null/undefined to draw that block's matrix from the scheme). Only DFA blocks may
   * have one; not combinable with `binary`. Used for controlled experiments (e.g. B_l := W_{l+1}ᵀ).
   */
  feedbackValues?: readonly (ArrayLike<number> | null | undefined)[];
}

/** Options after validation and defaults. */
export interface ResolvedOptions {
  /** Seed of the feedback matrices. */
  seed: number;
  /** Shape of one input sample. */
  inputShape: number[];
  /** One rule per hidden block. */
  rules: LayerRule[];
  /** What a BP block below a DFA block receives. */
  boundaryFeed: BoundaryFeed;
  /** Distribution of the real-valued feedback. */
  feedback: FeedbackScheme;
  /** Multiplier of the real-valued feedback. */
  feedbackScale: number;
  /** Whether the feedback is binary (±c). */
  binary: boolean;
  /** c of binary feedback when given explicitly; null for the variance-matched default. */
  binaryScale: number | null;
  /** Whether binary feedback uses the sign kernel. */
  signKernel: boolean;
  /** Explicit feedback matrices per hidden block (may be shorter than the hidden blocks). */
  feedbackValues: readonly (ArrayLike<number> | null | undefined)[];
}

const PRESETS: readonly RulePreset[] = ['bp', 'dfa', 'hybrid'];

/** The rule of every hidden block for a preset or an explicit list. */
export function resolveRules(rules: DfaOptions['rules'], blocks: readonly Block[]): LayerRule[] {
  const hidden = blocks.slice(0, -1);
  const preset = rules ?? 'hybrid';
  if (typeof preset === 'string') {
    if (!PRESETS.includes(preset)) throw new Error(`createDfa: options.rules must be one of ${PRESETS.join(', ')} or an array of 'bp'/'dfa', got ${JSON.stringify(preset)}`);
    if (preset === 'bp') return hidden.map(() => 'bp');
    if (preset === 'dfa') return hidden.map(() => 'dfa');
    return hidden.map((b) => (b.kind === 'conv' ? 'bp' : 'dfa'));
  }
  if (!Array.isArray(preset)) throw new Error(`createDfa: options.rules must be a preset name or an array, got ${typeof preset}`);
  if (preset.length !== hidden.length) {
    throw new Error(`createDfa: options.rules lists ${preset.length} rules, expected one per hidden block (${hidden.length}; the output layer always uses its true gradient)`);
  }
  preset.forEach((r, i) => {
    if (r !== 'bp' && r !== 'dfa') throw new Error(`createDfa: options.rules[${i}] must be 'bp' or 'dfa', got ${JSON.stringify(r)}`);
  });
  return [...preset];
}

function positiveFinite(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`createDfa: options.${name} must be a finite number > 0, got ${String(value)}`);
  return value;
}

function checkFeedbackValues(values: DfaOptions['feedbackValues'], binary: boolean, hidden: number): readonly (ArrayLike<number> | null | undefined)[] {
  if (values === undefined) return [];
  if (!Array.isArray(values) || values.length > hidden) throw new Error(`createDfa: options.feedbackValues must be an array of at most ${hidden} entries (one per hidden block)`);
  if (binary) throw new Error('createDfa: options.feedbackValues cannot be combined with binary feedback');
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    if (typeof v.length !== 'number') throw new Error(`createDfa: options.feedbackValues[${i}] must be an array of numbers`);
    for (let k = 0; k < v.length; k++) if (!Number.isFinite(v[k])) throw new Error(`createDfa: options.feedbackValues[${i}][${k}] is not a finite number (${v[k]})`);
  });
  return values;
}

/** Validates the options and fills in the defaults. */
export function resolveOptions(options: DfaOptions, blocks: readonly Block[]): ResolvedOptions {
  if (!options || typeof options !== 'object') throw new Error('createDfa: expected options { seed, inputShape, ... }');
  if (!Number.isInteger(options.seed)) throw new Error(`createDfa: options.seed must be an integer (the feedback must be reproducible), got ${String(options.seed)}`);
  const shape = options.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`createDfa: options.inputShape must list positive integers (one sample, e.g. [784]), got ${JSON.stringify(shape)}`);
  }
  const boundaryFeed = options.boundaryFeed ?? BOUNDARY_FEEDS[0];
  if (!BOUNDARY_FEEDS.includes(boundaryFeed)) throw new Error(`createDfa: options.boundaryFeed must be 'dfa-delta' or 'bp-delta', got ${JSON.stringify(boundaryFeed)}`);
  const feedback = options.feedback ?? 'uniform-shared';
  if (!FEEDBACK_SCHEMES.includes(feedback)) throw new Error(`createDfa: options.feedback must be one of ${FEEDBACK_SCHEMES.join(', ')}, got ${JSON.stringify(feedback)}`);
  const binary = options.binary ?? false;
  if (typeof binary !== 'boolean') throw new Error(`createDfa: options.binary must be a boolean, got ${typeof binary}`);
  if (options.binaryScale !== undefined && !binary) throw new Error('createDfa: options.binaryScale is set but options.binary is false');
  return {
    seed: options.seed,
    inputShape: [...shape],
    rules: resolveRules(options.rules, blocks),
    boundaryFeed,
    feedback,
    feedbackScale: options.feedbackScale === undefined ? 1 : positiveFinite(options.feedbackScale, 'feedbackScale'),
    binary,
    binaryScale: options.binaryScale === undefined ? null : positiveFinite(options.binaryScale, 'binaryScale'),
    signKernel: options.signKernel ?? true,
    feedbackValues: checkFeedbackValues(options.feedbackValues, binary, blocks.length - 1),
  };
}
