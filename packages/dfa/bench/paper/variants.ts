// The repeats of a paper run: other seeds (weights N, feedback N + 6, data N), another feedback
// scale for the DFA blocks and the true BP gradient at the hybrid's conv/FC boundary, each in its
// own results file `<base>[.bpdelta][.fbS][.seedN].json` beside the first run's, the command-line
// options that name them, and the per-seed tables that read them back.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile } from '../../../../scripts/bench-report';
import type { BoundaryFeed } from '../../src/index';
import { BOUNDARY_FEEDS } from '../../src/options';
import { seedTable, type SeedComparison } from './report';
import type { MethodResults } from './run';
import type { PaperRunSettings } from './settings';

/** Which repeat of a run: seed 1, feedback scale 1 and the `'dfa-delta'` boundary are the first run. */
export interface RunVariant {
  seed: number;
  feedbackScale: number;
  boundaryFeed: BoundaryFeed;
}

/** Reads `--seed`, `--feedback-scale` and `--boundary-feed` (all optional) for the bench script `where`. */
export function parseVariant(where: string, values: { seed?: string; 'feedback-scale'?: string; 'boundary-feed'?: string }): RunVariant {
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!(Number.isInteger(seed) && seed >= 1)) throw new Error(`${where}: --seed must be an integer >= 1 (1 is the first run), got ${values.seed}`);
  const feedbackScale = values['feedback-scale'] === undefined ? 1 : Number(values['feedback-scale']);
  if (!(feedbackScale > 0 && Number.isFinite(feedbackScale))) throw new Error(`${where}: --feedback-scale must be a positive number, got ${values['feedback-scale']}`);
  const boundaryFeed = (values['boundary-feed'] ?? BOUNDARY_FEEDS[0]) as BoundaryFeed;
  if (!BOUNDARY_FEEDS.includes(boundaryFeed)) throw new Error(`${where}: --boundary-feed must be ${BOUNDARY_FEEDS.join(' or ')}, got ${boundaryFeed}`);
  return { seed, feedbackScale, boundaryFeed };
}

/** Reads `--methods a,b` (optional) against the methods a run knows. */
export function parseMethods<M extends string>(where: string, list: string | undefined, known: readonly M[]): M[] | undefined {
  const methods = list?.split(',') as M[] | undefined;
  const unknown = methods?.filter((m) => !known.includes(m));
  if (unknown?.length) throw new Error(`${where}: --methods takes a comma-separated list of ${known.join(', ')}, got ${list}`);
  return methods;
}

/** The settings a variant replaces (none for the first run, so its file stays resumable). */
export function variantSettings(v: RunVariant): Pick<Partial<PaperRunSettings<string>>, 'modelSeed' | 'feedbackSeed' | 'dataSeed' | 'feedbackScale' | 'boundaryFeed'> {
  return {
    ...(v.seed === 1 ? {} : { modelSeed: v.seed, feedbackSeed: v.seed + 6, dataSeed: v.seed }),
    ...(v.feedbackScale === 1 ? {} : { feedbackScale: v.feedbackScale }),
    ...(v.boundaryFeed === 'dfa-delta' ? {} : { boundaryFeed: v.boundaryFeed }),
  };
}

/** `.bpdelta.fbS.seedN` (each part only when it differs from the first run), for file and folder names. */
export function variantSuffix(v: RunVariant): string {
  return `${v.boundaryFeed === 'dfa-delta' ? '' : '.bpdelta'}${v.feedbackScale === 1 ? '' : `.fb${v.feedbackScale}`}${v.seed === 1 ? '' : `.seed${v.seed}`}`;
}

/**
 * The variants among `names` of the run named `base`: `<base>[.bpdelta][.fbS][.seedN]<ending>` for
 * result files (`ending` '.json'), `<base>[-bpdelta][-fbS][-seedN]` for checkpoint folders (`separator` '-').
 */
export function variantsAmong(names: readonly string[], base: string, separator: '.' | '-', ending = ''): { name: string; variant: RunVariant }[] {
  const esc = (text: string) => text.replace(/[.\\-]/g, '\\$&');
  const sep = esc(separator);
  // A fractional scale's point is the separator in folder names (fb0.5 -> fb0-5).
  const pattern = new RegExp(`^${esc(base)}(${sep}bpdelta)?(${sep}fb([\\d${sep}]+?))?(${sep}seed(\\d+))?${esc(ending)}$`);
  return names.flatMap((name) => {
    const m = pattern.exec(name);
    if (!m) return [];
    const scale = m[3]?.split(separator).join('.') ?? '1';
    return [{ name, variant: { boundaryFeed: m[1] ? 'bp-delta' as const : 'dfa-delta' as const, feedbackScale: Number(scale), seed: Number(m[5] ?? 1) } }];
  });
}

type Run<M extends string> = { settings: PaperRunSettings<M>; methods: Partial<Record<M, MethodResults>> };

/**
 * Per-seed tables of `comparison.method` − `comparison.baseline` for every boundary feed and
 * feedback scale found beside `<dir>/<base>.json`. A variant's files may hold the compared method
 * alone: its baseline is then read from the first run's variant (scale 1, `'dfa-delta'`) of the
 * same seed (the baseline has neither feedback nor boundary).
 */
export async function variantSeedTables<M extends string>(dir: string, base: string, comparison: SeedComparison<M>): Promise<string> {
  const named = variantsAmong(readdirSync(dir), base, '.', '.json').map(({ name, variant }) => ({ name, ...variant }));
  const read = new Map<string, Run<M>>();
  for (const f of named) read.set(f.name, (await readJsonFile<Run<M>>(join(dir, f.name)))!);
  // Runs that do not train the compared method (a repeat of some methods only) have no row.
  const files = named.filter((f) => read.get(f.name)!.settings.methods.includes(comparison.method));
  const isFirst = (f: RunVariant) => f.feedbackScale === 1 && f.boundaryFeed === 'dfa-delta';
  const groupOf = (f: RunVariant) => `${f.boundaryFeed} ${f.feedbackScale}`;
  const groups = [...new Map(files.map((f) => [groupOf(f), f])).values()]
    .sort((a, b) => Number(a.boundaryFeed !== 'dfa-delta') - Number(b.boundaryFeed !== 'dfa-delta') || a.feedbackScale - b.feedbackScale);
  const tables: string[] = [];
  for (const group of groups) {
    const runs = files.filter((f) => groupOf(f) === groupOf(group)).sort((a, b) => a.seed - b.seed).map((f) => {
      const results = read.get(f.name)!;
      const first = named.find((g) => isFirst(g) && g.seed === f.seed);
      const baseline = results.methods[comparison.baseline] ?? (first ? read.get(first.name)!.methods[comparison.baseline] : undefined);
      return { seed: f.seed, results: { ...results, methods: { ...results.methods, [comparison.baseline]: baseline } } };
    });
    const boundary = group.boundaryFeed === 'dfa-delta' ? '' : ', true BP gradient at the conv/FC boundary';
    const baselineFrom = isFirst(group) ? '' : ` (${comparison.labels[comparison.baseline]} from the first run's file of each seed)`;
    tables.push(`Feedback scale ${group.feedbackScale}${boundary}${baselineFrom}:\n\n${seedTable(runs, comparison)}`);
  }
  return tables.join('\n\n');
}
