import * as t from '@nnlab/tensor-gpu';

/**
 * How configurations are grouped into packs:
 * - `'none'`: one configuration per pack (plain, unpacked training);
 * - `'random'`: consecutive chunks of `packRate` (the reference's pack-random; the configurations
 *   come in random sample order);
 * - `'bs'`: all configurations with the same batch size form one pack (the reference's pack-bs);
 * - `'knn'`: a random seed configuration plus its `topk` nearest neighbours, repeated on the rest
 *   (the reference's pack-knn);
 * - `'memory'`: first-fit decreasing bin packing of the estimated memory under the budget.
 */
export type PackingPolicy = 'none' | 'random' | 'bs' | 'knn' | 'memory';

/** Options of {@link planPacks}. */
export interface PlanOptions<C> {
  /** The grouping policy. */
  policy: PackingPolicy;
  /** Pack size of `'random'` (default 9, the reference's Hyperband run). */
  packRate?: number;
  /** Neighbours per `'knn'` pack (default 3: packs of 4). */
  topk?: number;
  /** Seed of `'knn'`'s seed-configuration draws (default 0). */
  seed?: number;
  /** Batch size of a configuration (`'bs'`). */
  batchSizeOf?: (config: C) => number;
  /** Distance between two configurations (`'knn'`). */
  distance?: (a: C, b: C) => number;
  /** Estimated bytes of a configuration's model (with `memoryBudget`, and for `'memory'`). */
  memoryOf?: (config: C) => number;
  /** Bytes a pack may use in total: Σ member memory ≤ budget for every pack. */
  memoryBudget?: number;
  /** Largest pack of `'memory'` (default unlimited). */
  maxPackSize?: number;
  /** Configurations with different keys never share a pack (e.g. {@link fusionKey}: different optimisers cannot fuse). */
  key?: (config: C) => string;
}

interface Sized {
  index: number;
  memory: number;
}

function checkPositiveInt(value: unknown, what: string): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw new Error(`planPacks: ${what} must be a positive integer, got ${String(value)}`);
  return value as number;
}

/** Consecutive chunks of at most `limit` members, closing a chunk early when the next member would break the budget. */
function chunks(items: readonly Sized[], limit: number, budget: number): Sized[][] {
  const out: Sized[][] = [];
  let current: Sized[] = [];
  let used = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length >= limit || used + item.memory > budget)) {
      out.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += item.memory;
  }
  if (current.length) out.push(current);
  return out;
}

function knnPacks<C>(configs: readonly C[], items: readonly Sized[], topk: number, budget: number, distance: (a: C, b: C) => number, rng: t.data.Rng): Sized[][] {
  const rest = [...items];
  const out: Sized[][] = [];
  while (rest.length > 0) {
    const seed = rest.splice(t.data.randomInt(rng, rest.length), 1)[0];
    const pack = [seed];
    let used = seed.memory;
    const candidates = rest
      .map((item) => {
        const d = distance(configs[seed.index], configs[item.index]);
        if (typeof d !== 'number' || Number.isNaN(d) || d < 0) throw new Error(`planPacks: distance must return a number ≥ 0, got ${String(d)} for configs ${seed.index} and ${item.index}`);
        return { item, d };
      })
      .sort((a, b) => a.d - b.d || a.item.index - b.item.index);
    for (const { item } of candidates) {
      if (pack.length > topk) break;
      if (used + item.memory > budget) continue;
      pack.push(item);
      used += item.memory;
      rest.splice(rest.indexOf(item), 1);
    }
    out.push(pack);
  }
  return out;
}

/** First-fit decreasing: largest first into the first pack with room. */
function memoryPacks(items: readonly Sized[], budget: number, maxSize: number): Sized[][] {
  const bins: { members: Sized[]; used: number }[] = [];
  for (const item of [...items].sort((a, b) => b.memory - a.memory || a.index - b.index)) {
    const bin = bins.find((b) => b.members.length < maxSize && b.used + item.memory <= budget);
    if (bin) {
      bin.members.push(item);
      bin.used += item.memory;
    } else bins.push({ members: [item], used: item.memory });
  }
  return bins.map((b) => b.members);
}

/**
 * Groups configurations into packs; returns packs of indices into `configs`. Every index is in
 * exactly one pack; members are in index order and packs ordered by their first member, so the
 * plan depends only on the inputs and the seed. With `memoryBudget`, every pack's Σ `memoryOf`
 * stays within it (a configuration that alone exceeds it is an error).
 */
export function planPacks<C>(configs: readonly C[], options: PlanOptions<C>): number[][] {
  if (!Array.isArray(configs)) throw new Error('planPacks: configs must be an array');
  const policy = options?.policy;
  if (!['none', 'random', 'bs', 'knn', 'memory'].includes(policy)) throw new Error(`planPacks: options.policy must be one of none, random, bs, knn, memory, got ${String(policy)}`);
  const budget = options.memoryBudget ?? Infinity;
  if (!(budget > 0)) throw new Error(`planPacks: options.memoryBudget must be a positive number of bytes, got ${String(options.memoryBudget)}`);
  if ((options.memoryBudget !== undefined || policy === 'memory') && typeof options.memoryOf !== 'function') {
    throw new Error("planPacks: options.memoryOf is required with a memoryBudget and for policy 'memory'");
  }
  if (policy === 'memory' && options.memoryBudget === undefined) throw new Error("planPacks: policy 'memory' needs options.memoryBudget");
  const items: Sized[] = configs.map((c, index) => {
    const memory = options.memoryOf ? options.memoryOf(c) : 0;
    if (typeof memory !== 'number' || !Number.isFinite(memory) || memory < 0) throw new Error(`planPacks: memoryOf(configs[${index}]) must be a finite number ≥ 0, got ${String(memory)}`);
    if (memory > budget) throw new Error(`planPacks: configs[${index}] needs ${memory} bytes, more than the memory budget ${budget} on its own`);
    return { index, memory };
  });
  const groups = new Map<string, Sized[]>();
  for (const item of items) {
    const key = options.key ? options.key(configs[item.index]) : '';
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const rng = t.data.createRng(options.seed ?? 0);
  const packs: Sized[][] = [];
  for (const group of groups.values()) {
    switch (policy) {
      case 'none':
        packs.push(...group.map((item) => [item]));
        break;
      case 'random':
        packs.push(...chunks(group, checkPositiveInt(options.packRate ?? 9, 'options.packRate'), budget));
        break;
      case 'bs': {
        if (typeof options.batchSizeOf !== 'function') throw new Error("planPacks: policy 'bs' needs options.batchSizeOf");
        const bySize = new Map<number, Sized[]>();
        for (const item of group) {
          const b = options.batchSizeOf(configs[item.index]);
          bySize.set(b, [...(bySize.get(b) ?? []), item]);
        }
        for (const same of bySize.values()) packs.push(...chunks(same, Infinity, budget));
        break;
      }
      case 'knn': {
        if (typeof options.distance !== 'function') throw new Error("planPacks: policy 'knn' needs options.distance");
        const topk = options.topk ?? 3;
        if (!Number.isInteger(topk) || topk < 0) throw new Error(`planPacks: options.topk must be an integer ≥ 0, got ${String(topk)}`);
        packs.push(...knnPacks(configs, group, topk, budget, options.distance, rng));
        break;
      }
      case 'memory':
        packs.push(...memoryPacks(group, budget, options.maxPackSize === undefined ? Infinity : checkPositiveInt(options.maxPackSize, 'options.maxPackSize')));
        break;
    }
  }
  return packs.map((p) => p.map((item) => item.index).sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
}
