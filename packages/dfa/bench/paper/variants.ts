// The repeats of a paper run: other seeds (weights N, feedback N + 6, data N) and another feedback
// scale for the DFA blocks, each in its own results file `<base>[.fbS][.seedN].json` beside the
// first run's, the command-line options that name them, and the per-seed tables that read them back.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile } from '../../../../scripts/bench-report';
import { seedTable, type SeedComparison } from './report';
import type { MethodResults } from './run';
import type { PaperRunSettings } from './settings';

/** Which repeat of a run: seed 1 and feedback scale 1 are the first run. */
export interface RunVariant {
  seed: number;
  feedbackScale: number;
}

/** Reads `--seed` and `--feedback-scale` (both optional) for the bench script `where`. */
export function parseVariant(where: string, values: { seed?: string; 'feedback-scale'?: string }): RunVariant {
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!(Number.isInteger(seed) && seed >= 1)) throw new Error(`${where}: --seed must be an integer >= 1 (1 is the first run), got ${values.seed}`);
  const feedbackScale = values['feedback-scale'] === undefined ? 1 : Number(values['feedback-scale']);
  if (!(feedbackScale > 0 && Number.isFinite(feedbackScale))) throw new Error(`${where}: --feedback-scale must be a positive number, got ${values['feedback-scale']}`);
  return { seed, feedbackScale };
}

/** Reads `--methods a,b` (optional) against the methods a run knows. */
export function parseMethods<M extends string>(where: string, list: string | undefined, known: readonly M[]): M[] | undefined {
  const methods = list?.split(',') as M[] | undefined;
  const unknown = methods?.filter((m) => !known.includes(m));
  if (unknown?.length) throw new Error(`${where}: --methods takes a comma-separated list of ${known.join(', ')}, got ${list}`);
  return methods;
}

/** The settings a variant replaces (none for the first run, so its file stays resumable). */
export function variantSettings(v: RunVariant): Pick<Partial<PaperRunSettings<string>>, 'modelSeed' | 'feedbackSeed' | 'dataSeed' | 'feedbackScale'> {
  return { ...(v.seed === 1 ? {} : { modelSeed: v.seed, feedbackSeed: v.seed + 6, dataSeed: v.seed }), ...(v.feedbackScale === 1 ? {} : { feedbackScale: v.feedbackScale }) };
}

/** `.fbS.seedN` (each part only when it differs from the first run), for file and folder names. */
export function variantSuffix(v: RunVariant): string {
  return `${v.feedbackScale === 1 ? '' : `.fb${v.feedbackScale}`}${v.seed === 1 ? '' : `.seed${v.seed}`}`;
}

/**
 * The variants among `names` of the run named `base`: `<base>[.fbS][.seedN]<ending>` for result
 * files (`ending` '.json'), `<base>[-fbS][-seedN]` for checkpoint folders (`separator` '-').
 */
export function variantsAmong(names: readonly string[], base: string, separator: '.' | '-', ending = ''): { name: string; variant: RunVariant }[] {
  const esc = (text: string) => text.replace(/[.\\-]/g, '\\$&');
  const sep = esc(separator);
  const pattern = new RegExp(`^${esc(base)}(${sep}fb([\\d.]+?))?(${sep}seed(\\d+))?${esc(ending)}$`);
  return names.flatMap((name) => {
    const m = pattern.exec(name);
    return m ? [{ name, variant: { feedbackScale: Number(m[2] ?? 1), seed: Number(m[4] ?? 1) } }] : [];
  });
}

type Run<M extends string> = { settings: PaperRunSettings<M>; methods: Partial<Record<M, MethodResults>> };

/**
 * Per-seed tables of `comparison.method` − `comparison.baseline` for every feedback scale found
 * beside `<dir>/<base>.json`. A scale's files may hold the compared method alone: its baseline is
 * then read from the first scale's file of the same seed (the baseline has no feedback).
 */
export async function variantSeedTables<M extends string>(dir: string, base: string, comparison: SeedComparison<M>): Promise<string> {
  const named = variantsAmong(readdirSync(dir), base, '.', '.json').map(({ name, variant }) => ({ name, scale: variant.feedbackScale, seed: variant.seed }));
  const read = new Map<string, Run<M>>();
  for (const f of named) read.set(f.name, (await readJsonFile<Run<M>>(join(dir, f.name)))!);
  // Runs that do not train the compared method (a repeat of some methods only) have no row.
  const files = named.filter((f) => read.get(f.name)!.settings.methods.includes(comparison.method));
  const scales = [...new Set(files.map((f) => f.scale))].sort((a, b) => a - b);
  const tables: string[] = [];
  for (const scale of scales) {
    const runs = files.filter((f) => f.scale === scale).sort((a, b) => a.seed - b.seed).map((f) => {
      const results = read.get(f.name)!;
      const first = named.find((g) => g.scale === 1 && g.seed === f.seed);
      const baseline = results.methods[comparison.baseline] ?? (first ? read.get(first.name)!.methods[comparison.baseline] : undefined);
      return { seed: f.seed, results: { ...results, methods: { ...results.methods, [comparison.baseline]: baseline } } };
    });
    tables.push(`Feedback scale ${scale}${scale === 1 ? '' : ` (${comparison.labels[comparison.baseline]} from the scale-1 file of each seed)`}:\n\n${seedTable(runs, comparison)}`);
  }
  return tables.join('\n\n');
}
