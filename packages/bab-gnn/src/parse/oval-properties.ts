/**
 * The OVAL CIFAR property tables (`base_easy.csv`, ...): one property per row (a test image, its
 * label, one target class, a radius in normalised input units) and the verdict, branch count and
 * time each method of the reference recorded for it. Size and row limits are checked before the
 * text is split; every error names the file, the line and the column.
 */

/** A verdict as the reference recorded it. */
export type OvalVerdict = 'verified' | 'falsified' | 'timeout';

/** One method's recorded run on one property (fields absent where the table has no value). */
export interface OvalRecordedRun {
  /** The verdict. */
  readonly verdict?: OvalVerdict;
  /** Branches (subdomains bounded); recorded only when the run finished. */
  readonly branches?: number;
  /** Wall-clock seconds (≈ the timeout when it timed out). */
  readonly timeS?: number;
}

/** The methods the tables record. */
export const OVAL_METHODS = ['babsr', 'gnn', 'gnn_online', 'mipplanet', 'babsr_old'] as const;

/** A method of the reference's tables: BaBSR, GNN, GNN with online learning, MIPplanet, an earlier BaBSR run. */
export type OvalMethod = (typeof OVAL_METHODS)[number];

/** One property of an OVAL table. */
export interface OvalProperty {
  /** The row label of the reference's table. */
  readonly row: number;
  /** CIFAR-10 test image index (0-based). */
  readonly imageIndex: number;
  /** The image's label (= the network's clean prediction). */
  readonly label: number;
  /** The class that must not overtake the label. */
  readonly target: number;
  /** L∞ radius in normalised input units. */
  readonly eps: number;
  /** logit[label] − logit[target] at the clean image, when the table gives it (a loader check). */
  readonly cleanMargin?: number;
  /** What each method of the reference recorded. */
  readonly recorded: Readonly<Record<OvalMethod, OvalRecordedRun>>;
}

/** Largest table accepted by default (the largest shipped one has 127 KB). */
export const MAX_OVAL_CSV_BYTES = 8 << 20;
/** Most rows accepted by default. */
export const MAX_OVAL_ROWS = 100_000;

/** Settings of {@link parseOvalProperties}. */
export interface ParseOvalPropertiesOptions {
  /** Most characters (default {@link MAX_OVAL_CSV_BYTES}). */
  maxBytes?: number;
  /** Most data rows (default {@link MAX_OVAL_ROWS}). */
  maxRows?: number;
}

const REQUIRED = ['row', 'image_idx', 'true_label', 'target_class', 'eps'] as const;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses an OVAL property table.
 *
 * @param text - the CSV text (header line first, comma-separated).
 * @param name - file name for error messages.
 * @throws Error naming the file, line and column for a malformed or out-of-range value.
 */
export function parseOvalProperties(text: string, name: string, options: ParseOvalPropertiesOptions = {}): OvalProperty[] {
  const maxBytes = options.maxBytes ?? MAX_OVAL_CSV_BYTES;
  const maxRows = options.maxRows ?? MAX_OVAL_ROWS;
  if (typeof text !== 'string') throw new Error(`${name}: expected the file's text`);
  if (text.length > maxBytes) throw new Error(`${name}: ${text.length} characters, more than the limit of ${maxBytes}`);
  let lineCount = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) if (++lineCount > maxRows + 1) throw new Error(`${name}: more than the limit of ${maxRows} rows`);
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new Error(`${name}: empty file, expected a header line`);
  const header = lines[0].split(',');
  if (header.length > 200) throw new Error(`${name}: line 1: more than 200 columns`);
  const column = new Map<string, number>();
  header.forEach((h, i) => {
    if (column.has(h)) throw new Error(`${name}: line 1: column '${h.slice(0, 40)}' appears twice`);
    column.set(h, i);
  });
  for (const c of REQUIRED) if (!column.has(c)) throw new Error(`${name}: line 1: missing column '${c}'`);
  const seen = new Set<number>();
  return lines.slice(1).map((line, r) => {
    const at = `${name}: line ${r + 2}`;
    const cells = line.split(',');
    if (cells.length !== header.length) throw new Error(`${at}: ${cells.length} cells, the header has ${header.length}`);
    const cell = (c: string) => (column.has(c) ? cells[column.get(c)!] : '');
    const number = (c: string, check: (v: number) => boolean, what: string, optional = false): number | undefined => {
      const s = cell(c);
      if (s === '' && optional) return undefined;
      const v = DECIMAL.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(v) || !check(v)) throw new Error(`${at}: column '${c}': expected ${what}, got '${s.slice(0, 40)}'`);
      return v;
    };
    const int = (lo: number, hi: number) => (v: number) => Number.isInteger(v) && v >= lo && v <= hi;
    const row = number('row', int(0, 1e9), 'an integer ≥ 0') as number;
    if (seen.has(row)) throw new Error(`${at}: column 'row': ${row} appears twice`);
    seen.add(row);
    const label = number('true_label', int(0, 9), 'a class 0..9') as number;
    const target = number('target_class', int(0, 9), 'a class 0..9') as number;
    if (target === label) throw new Error(`${at}: column 'target_class': equals true_label ${label}`);
    const recorded = {} as Record<OvalMethod, OvalRecordedRun>;
    for (const m of OVAL_METHODS) {
      const v = cell(`${m}_verdict`);
      if (v !== '' && v !== 'verified' && v !== 'falsified' && v !== 'timeout') throw new Error(`${at}: column '${m}_verdict': expected verified, falsified, timeout or empty, got '${v.slice(0, 40)}'`);
      recorded[m] = {
        ...(v !== '' ? { verdict: v } : {}),
        ...optionalField('branches', number(`${m}_branches`, int(0, 1e12), 'an integer ≥ 0', true)),
        ...optionalField('timeS', number(`${m}_time_s`, (x) => x >= 0, 'seconds ≥ 0', true)),
      };
    }
    return {
      row,
      imageIndex: number('image_idx', int(0, 1e7), 'an image index ≥ 0') as number,
      label,
      target,
      eps: number('eps', (v) => v > 0 && v <= 1e3, 'a radius in (0, 1000]') as number,
      ...optionalField('cleanMargin', number('clean_margin', () => true, 'a number', true)),
      recorded,
    };
  });
}

function optionalField<K extends string>(key: K, v: number | undefined): Partial<Record<K, number>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, number>);
}
