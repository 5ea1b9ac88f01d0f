/**
 * The contract between the `nnlab` command and the experiments it runs. An experiment is a plain
 * object: the command gives it a context (progress bars, a log, the parsed options, an output
 * directory) and puts what it returns into the report.
 *
 * @packageDocumentation
 */

/** A progress bar for one loop of an experiment; see {@link ExperimentContext.progress}. */
export interface ProgressHandle {
  /** Counts `n` more steps as done (default 1). */
  tick(n?: number): void;
  /** Marks the loop as finished (also when fewer steps than announced ran). */
  done(): void;
}

/** An option that an experiment adds to the command line, e.g. `--sizes 64,128`. */
export interface ExperimentOptionSpec {
  /** `'string'` takes a value (`--name value`); `'boolean'` is a flag (`--name`). */
  type: 'string' | 'boolean';
  /** One line for `nnlab --help`. */
  description: string;
  /** What the value is called in the help text, e.g. `LIST` (string options only). */
  valueName?: string;
  /**
   * Turns the raw text of a string option into the value the experiment reads from
   * {@link ExperimentOptions.values}. Throw an `Error` to reject it: the command prints the
   * message and exits with code 2 before anything runs.
   */
  parse?(raw: string): unknown;
}

/** Options of one run, shared by every experiment plus those the experiments declared. */
export interface ExperimentOptions {
  /** Base seed for every random draw (`--seed`, default 1): the same seed gives the same numbers. */
  seed: number;
  /** `--quick`: cut sizes and iterations so that the experiment finishes in seconds (smoke runs). */
  quick: boolean;
  /** `--full`: the paper's setting (the experiment's {@link ExperimentTiers.full}); slow. */
  full: boolean;
  /**
   * The values of the options declared in {@link Experiment.options}, by name, after their
   * `parse` (absent when not given on the command line).
   */
  values: Readonly<Record<string, unknown>>;
}

/** What an experiment receives from the command. */
export interface ExperimentContext {
  /** Starts a progress bar of `total` steps for one loop, labelled `label`. */
  progress(label: string, total: number): ProgressHandle;
  /** Prints one line of information (to stderr, between progress redraws). */
  log(message: string): void;
  /** The parsed command-line options. */
  options: ExperimentOptions;
  /**
   * A directory of this experiment's own, inside the report directory, for files too large for
   * the report (checkpoints, raw traces). It may not exist yet: create it before writing.
   */
  outDir: string;
}

/** One line of the summary table (in the report and on stdout). */
export interface SummaryRow {
  /** What was measured, e.g. `cpu: max rel. error`. */
  metric: string;
  /** The value measured (numbers are formatted by the report), or a short text. */
  value: number | string;
  /** What it is compared against: a paper's number, a threshold (`≤ 1e-5`), a baseline. */
  reference?: string;
  /**
   * Whether the value meets its reference; `false` marks the run as failed (exit code 1).
   * Leave it out for measurements that are not checks.
   */
  pass?: boolean;
}

/** One section of the HTML report. */
export interface ReportSection {
  /** The section heading. */
  title: string;
  /**
   * The body, as trusted HTML: paragraphs, tables, figures as inline SVG (see `report/svg.ts`).
   * Escape every text that does not come from the experiment's own code.
   */
  html: string;
}

/** What an experiment returns. */
export interface ExperimentResult {
  /** Headline numbers, shown in the report's summary table and printed at the end of the run. */
  summary: SummaryRow[];
  /** The experiment's part of the HTML report. */
  sections: ReportSection[];
  /** Every number the experiment measured, as plain JSON-friendly data (goes into report.json). */
  data: unknown;
  /**
   * The exit code the command should end with when this run otherwise succeeded (e.g. the verdict
   * of a single verification); absent for the usual 0.
   */
  exitCode?: number;
}

/** The tiers of an experiment's settings: `--quick`, the default and `--full`. */
export type TierName = 'quick' | 'default' | 'full';

/** The tier a run's options select. */
export function tierOf(options: Pick<ExperimentOptions, 'quick' | 'full'>): TierName {
  return options.full ? 'full' : options.quick ? 'quick' : 'default';
}

/** A tier that `nnlab all` may run: its settings, what it shows and how long it takes. */
export interface ExperimentTier<S = unknown> {
  /** The experiment's settings in this tier (options given on the command line override them). */
  settings: S;
  /** What this tier reproduces: which mechanism or claim of the paper, at which scale. */
  reproduces: string;
  /**
   * Expected wall-clock seconds on the reference machine ({@link REFERENCE_MACHINE}), from a
   * measurement of this tier or an extrapolation of one; `basis` says which.
   */
  expectedSeconds: number;
  /** Where `expectedSeconds` comes from: the run measured (CPU seconds, load) or the extrapolation. */
  basis: string;
}

/**
 * The settings of an experiment's tiers, and what the default and the full tier show and cost:
 * the one place an experiment declares its scale. `quick` is a smoke run of seconds; `default`
 * fits `nnlab all` into about ten minutes; `full` is the paper's setting.
 */
export interface ExperimentTiers<S = unknown> {
  /** `--quick`: the mechanics in seconds (nothing is judged against a paper at this size). */
  quick: { settings: S };
  /** No tier option: part of the ten-minute `nnlab all`. */
  default: ExperimentTier<S>;
  /** `--full`: the paper's setting. */
  full: ExperimentTier<S>;
}

/** The machine the tiers' expected durations were measured on. */
export const REFERENCE_MACHINE = '2 CPU cores (x86-64, Node 20, cpu backend), the process at nice 10';

/** An experiment that `nnlab` can run; register it in `registry.ts`. */
export interface Experiment {
  /** The command-line name (`nnlab <id>`): lowercase letters, digits and dashes. */
  id: string;
  /** A short title for the report and `nnlab list`. */
  title: string;
  /** One or two sentences: what is measured and why. */
  description: string;
  /** Options this experiment adds to the command line, by name (without the dashes). */
  options?: Readonly<Record<string, ExperimentOptionSpec>>;
  /** Its tiers: the settings of `--quick`, the default and `--full`, and their measured durations. */
  tiers: ExperimentTiers;
  /**
   * Checks, without doing the work, that a run with these options can start: the data sets it
   * reads, the files its options name. Resolves to one message per problem (empty when ready).
   * `nnlab` checks every selected experiment before the first one starts and runs none when any
   * reports a problem.
   */
  check?(options: ExperimentOptions): Promise<string[]>;
  /** Runs the experiment. Throwing marks it as failed; the other experiments still run. */
  run(ctx: ExperimentContext): Promise<ExperimentResult>;
}
