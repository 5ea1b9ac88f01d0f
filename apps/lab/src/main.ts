/**
 * The `nnlab` command, as a function: parses the arguments, runs the chosen experiments with
 * progress bars, writes the report and prints the summary table. `cli.ts` only calls {@link main}.
 */
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { tierOf, type Experiment, type ExperimentOptionSpec, type ExperimentOptions } from './experiment';
import { planRun, planText } from './plan';
import { Terminal, formatDuration, type ProgressSink, type TerminalOptions } from './progress';
import { RESERVED_COMMANDS, experiments as registered } from './registry';
import { writeReport } from './report/html';
import { collectEnvironment, runFailed, type LabReport } from './report/model';
import { runExperiment } from './run-experiment';
import { gitInfo, packageVersions } from './report/provenance';
import { summaryTable, textTable } from './report/table';
import { workerCommand } from './queue/worker-command';

/** Exit code of a run where every experiment finished and every check passed. */
export const EXIT_OK = 0;
/** Exit code of a run where an experiment threw or a check failed, or that could not start (data missing). */
export const EXIT_FAILED = 1;
/** Exit code of a command line that could not be understood (unknown command or option, bad value). */
export const EXIT_USAGE = 2;

/**
 * Checks, before anything runs, that the report can be written to `outDir`: it is (or can be made)
 * a directory in which a file can be created. Throws a {@link UsageError} saying why not.
 */
export function checkOutputDir(outDir: string): void {
  try {
    makeDirectory(outDir);
    const probe = join(outDir, `.nnlab-write-check-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    throw new UsageError(`option '--out': cannot write the report to '${outDir}': ${(e as Error).message}`);
  }
}

/**
 * Creates `dir` and its missing parents one level at a time (Node's recursive mkdir can loop
 * forever under /proc); throws when a component exists and is not a directory.
 */
function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    const st = statSync(at, { throwIfNoEntry: false });
    if (st) {
      if (!st.isDirectory()) throw new Error(`'${at}' exists and is not a directory`);
      break;
    }
    missing.push(at);
    if (dirname(at) === at) break;
    at = dirname(at);
  }
  for (const d of missing.reverse()) mkdirSync(d);
}

/** A command-line mistake: printed with a hint to `--help`, exit code {@link EXIT_USAGE}. */
export class UsageError extends Error {
  /** Always {@link EXIT_USAGE}. */
  readonly exitCode = EXIT_USAGE;

  /** Creates the error with the message shown to the user. */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Where {@link main} reads and writes; every field has a default from `process`. */
export interface MainIO {
  /** Receives the summary table, `list` and `--help` (default `process.stdout`). */
  stdout?: { write(text: string): unknown };
  /** Receives progress bars, log lines and errors (default `process.stderr`). */
  stderr?: ProgressSink;
  /** The directory `--out` is resolved against (default `process.cwd()`). */
  cwd?: string;
  /** The experiments to offer (default: the registry). */
  experiments?: readonly Experiment[];
  /** Options of the progress display (a fake clock in tests). */
  terminal?: TerminalOptions;
}

/** Where the report goes when `--out` is not given, relative to the current directory. */
export const DEFAULT_OUT_DIR = 'out/lab';

type ParseOption = { type: 'string' | 'boolean'; short?: string };

const COMMON_OPTIONS: Record<string, ParseOption & { valueName?: string; description: string }> = {
  out: { type: 'string', valueName: 'DIR', description: `where report.html and report.json go (default ${DEFAULT_OUT_DIR})` },
  seed: { type: 'string', valueName: 'N', description: 'base seed of every random draw (default 1)' },
  quick: { type: 'boolean', description: 'smaller sizes and fewer iterations (a smoke run of seconds)' },
  full: { type: 'boolean', description: "the papers' own settings (slow: each experiment's expected duration is printed before it starts)" },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/** Checks that the experiments can share one command line: unique ids, no clashing option names. */
export function validateExperiments(list: readonly Experiment[]): void {
  const ids = new Set<string>();
  const owners = new Map<string, { spec: ExperimentOptionSpec; id: string }>();
  for (const e of list) {
    if (!/^[a-z][a-z0-9-]*$/.test(e.id)) throw new Error(`experiment id '${e.id}' must be lowercase letters, digits and dashes`);
    if (RESERVED_COMMANDS.includes(e.id)) throw new Error(`experiment id '${e.id}' is a reserved command`);
    if (ids.has(e.id)) throw new Error(`experiment id '${e.id}' is registered twice`);
    ids.add(e.id);
    for (const [name, spec] of Object.entries(e.options ?? {})) {
      if (name in COMMON_OPTIONS) throw new Error(`experiment '${e.id}' declares --${name}, which is a common option`);
      const other = owners.get(name);
      if (other && other.spec.type !== spec.type) {
        throw new Error(`experiments '${other.id}' and '${e.id}' declare --${name} with different types`);
      }
      owners.set(name, { spec, id: e.id });
    }
  }
}

function optionLine(name: string, spec: { type: string; valueName?: string; short?: string; description: string }): [string, string] {
  const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
  return [`  ${flag}`, spec.description];
}

function columns(rows: ReadonlyArray<[string, string]>): string {
  const w = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${a.padEnd(w)}  ${b}`).join('\n');
}

/** The text of `nnlab --help`. */
export function usage(list: readonly Experiment[] = registered): string {
  const commands: Array<[string, string]> = [
    ['  all', 'run every experiment in order (default tier: about four minutes on 2 cores), then write the report'],
    ...list.map((e): [string, string] => [`  ${e.id}`, `run one experiment: ${e.title}`]),
    ['  list', 'list the experiments'],
    ['  worker', "train the jobs of 'pack --redis URL' runs from the queue (nnlab worker --help)"],
  ];
  const sections = [
    'Usage: nnlab <command> [options]',
    '',
    'Commands:',
    columns(commands),
    '',
    'Options:',
    columns(Object.entries(COMMON_OPTIONS).map(([n, s]) => optionLine(n, s))),
  ];
  for (const e of list) {
    const own = Object.entries(e.options ?? {});
    if (own.length) sections.push('', `Options of ${e.id}:`, columns(own.map(([n, s]) => optionLine(n, s))));
  }
  sections.push(
    '',
    `Each run writes report.html and report.json into the output directory and prints a summary table.`,
    `Before the first experiment it prints each one's expected duration and the total ('nnlab list' shows them for both tiers).`,
    `Before anything runs, every selected experiment checks that its data and the files its options name are there.`,
    `Exit code: ${EXIT_OK} all passed, ${EXIT_FAILED} an experiment failed or could not start, ${EXIT_USAGE} a command-line error.`,
    `'verify --net --spec' ends with its verdict instead: 0 holds, 3 violated, 4 timeout, 5 unknown.`,
  );
  return `${sections.join('\n')}\n`;
}

/** A parsed command line. */
export interface ParsedCommand {
  /** What to do. */
  command: 'help' | 'list' | 'run';
  /** The experiments to run, in order (for `run`). */
  selected: Experiment[];
  /** The options passed to every experiment. */
  options: ExperimentOptions;
  /** The output directory, absolute. */
  outDir: string;
}

function parseError(e: unknown): UsageError {
  const err = e as { code?: string; message?: string };
  const message = err.message ?? String(e);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = /'([^']+)'/.exec(message)?.[1] ?? message;
    return new UsageError(`unknown option '${name}'`);
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new UsageError(message.replace(/^Option/, 'option'));
  }
  return new UsageError(message);
}

/**
 * Parses the arguments (without `node` and the script path) against the experiments' options.
 * Throws a {@link UsageError} for an unknown command or option, or a bad value.
 */
export function parseCommandLine(argv: readonly string[], list: readonly Experiment[] = registered, cwd = process.cwd()): ParsedCommand {
  const specs: Record<string, ParseOption> = {};
  for (const [name, spec] of Object.entries(COMMON_OPTIONS)) specs[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}) };
  for (const e of list) for (const [name, spec] of Object.entries(e.options ?? {})) specs[name] = { type: spec.type };

  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: specs, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    throw parseError(e);
  }
  const { values, positionals } = parsed;
  const outDir = resolve(cwd, typeof values.out === 'string' ? values.out : DEFAULT_OUT_DIR);
  const seedText = typeof values.seed === 'string' ? values.seed : '1';
  const seed = Number(seedText);
  if (!/^\d+$/.test(seedText.trim()) || !Number.isSafeInteger(seed)) throw new UsageError(`option '--seed' needs a non-negative integer, got '${seedText}'`);
  if (values.quick === true && values.full === true) throw new UsageError("options '--quick' and '--full' exclude each other");
  const base = { seed, quick: values.quick === true, full: values.full === true };

  if (values.help === true) return { command: 'help', selected: [], options: { ...base, values: {} }, outDir };
  if (positionals.length === 0) throw new UsageError('missing command');
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}' after '${positionals[0]}'`);
  const [name] = positionals;

  let command: ParsedCommand['command'] = 'run';
  let selected: Experiment[];
  if (name === 'help') {
    command = 'help';
    selected = [];
  } else if (name === 'list') {
    command = 'list';
    selected = [];
  } else if (name === 'all') {
    selected = [...list];
  } else {
    const found = list.find((e) => e.id === name);
    if (!found) throw new UsageError(`unknown command '${name}'; expected one of: all, list, ${list.map((e) => e.id).join(', ')}`);
    selected = [found];
  }

  const own: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(values)) {
    if (key in COMMON_OPTIONS || raw === undefined) continue;
    const owner = selected.find((e) => e.options && key in e.options);
    if (!owner) throw new UsageError(`option '--${key}' does not apply to '${name}'`);
    const spec = owner.options![key];
    if (spec.type === 'string' && spec.parse) {
      try {
        own[key] = spec.parse(raw as string);
      } catch (e) {
        throw new UsageError(`option '--${key}': ${e instanceof Error ? e.message : String(e)}`);
      }
    } else {
      own[key] = raw;
    }
  }
  return { command, selected, options: { ...base, values: own }, outDir };
}


/**
 * Every problem the selected experiments report from {@link Experiment.check}, each prefixed with
 * the experiment's id, in run order; empty when all can start.
 */
export async function missingBeforeStart(selected: readonly Experiment[], options: ExperimentOptions): Promise<string[]> {
  const problems: string[] = [];
  for (const e of selected) for (const problem of (await e.check?.(options)) ?? []) problems.push(`${e.id}: ${problem}`);
  return problems;
}

/**
 * Runs the `nnlab` command with `argv` (the arguments after the script path) and resolves to
 * the exit code: {@link EXIT_OK}, {@link EXIT_FAILED} or {@link EXIT_USAGE}. It never calls
 * `process.exit`.
 */
export async function main(argv: readonly string[], io: MainIO = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const list = io.experiments ?? registered;
  validateExperiments(list);
  if (argv[0] === 'worker') return workerCommand(argv.slice(1), { stdout, stderr });

  let parsed: ParsedCommand;
  try {
    parsed = parseCommandLine(argv, list, io.cwd ?? process.cwd());
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr.write(`nnlab: ${e.message}\nRun 'nnlab --help' for usage.\n`);
    return EXIT_USAGE;
  }

  if (parsed.command === 'help') {
    stdout.write(usage(list));
    return EXIT_OK;
  }
  if (parsed.command === 'list') {
    const expected = (e: Experiment, tier: 'default' | 'full') => formatDuration(e.tiers[tier].expectedSeconds * 1000);
    stdout.write(`${textTable(['id', 'title', 'default', '--full'], list.map((e) => [e.id, e.title, expected(e, 'default'), expected(e, 'full')]))}\n`);
    return EXIT_OK;
  }

  try {
    checkOutputDir(parsed.outDir);
  } catch (e) {
    stderr.write(`nnlab: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }

  const problems = await missingBeforeStart(parsed.selected, parsed.options);
  if (problems.length) {
    stderr.write(`nnlab: nothing was run; ${problems.length === 1 ? 'one problem' : `${problems.length} problems`} to fix first:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return EXIT_FAILED;
  }

  const plan = planRun(parsed.selected, parsed.options);
  stderr.write(planText(plan, { loadAverage: loadavg()[0], cpuCount: cpus().length }));
  const terminal = new Terminal(stderr, io.terminal);
  const report: LabReport = {
    title: 'nnlab report',
    startedAt: new Date().toISOString(),
    command: ['nnlab', ...argv].join(' '),
    environment: collectEnvironment(),
    provenance: { packages: packageVersions(), git: gitInfo(), seed: parsed.options.seed, tier: tierOf(parsed.options), options: { ...parsed.options.values } },
    experiments: [],
  };
  const doneMs: number[] = [];
  for (let i = 0; i < plan.length; i++) {
    const record = await runExperiment(plan, i, doneMs, parsed.options, parsed.outDir, terminal);
    report.experiments.push(record);
    doneMs.push(record.durationMs);
  }

  let written: Awaited<ReturnType<typeof writeReport>>;
  try {
    written = await writeReport(parsed.outDir, report);
  } catch (e) {
    stdout.write(`\n${summaryTable(report)}\n`);
    stderr.write(`nnlab: cannot write the report to '${parsed.outDir}': ${(e as Error).message}\n`);
    return EXIT_FAILED;
  }
  const failed = runFailed(report);
  stdout.write(`\n${summaryTable(report)}\n\nreport: ${written.html}\n        ${written.json}\n`);
  if (failed) stderr.write('nnlab: some experiments failed; see the summary above and the report\n');
  if (failed) return EXIT_FAILED;
  // An experiment may end the run with a code of its own (a verdict), when nothing failed.
  return report.experiments.find((e) => e.result?.exitCode !== undefined)?.result?.exitCode ?? EXIT_OK;
}
