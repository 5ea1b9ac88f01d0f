/**
 * Terminal progress bars on stderr. On a terminal the bar is redrawn in place; in a log file (or
 * any stream that is not a TTY) a line is printed at 0, 25, 50, 75 and 100 % so logs stay readable.
 */
import type { ProgressHandle } from './experiment';

/** Where progress and log lines go: `process.stderr`, or a fake in tests. */
export interface ProgressSink {
  /** Writes raw text. */
  write(text: string): unknown;
  /** True when the sink is a terminal that understands `\r` and erase-line. */
  isTTY?: boolean;
  /** Terminal width in characters (default 80). */
  columns?: number;
}

/** Options of {@link Terminal}. */
export interface TerminalOptions {
  /** Milliseconds clock (default `performance.now`); tests pass a fake one. */
  now?: () => number;
  /** Minimum milliseconds between two redraws on a terminal (default 100). */
  redrawIntervalMs?: number;
}

/** Formats a duration as `12.3s`, `4m05s` or `1h02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The state of one bar, as shown: label, steps done out of total, elapsed time and ETA. */
export function formatProgressLine(label: string, done: number, total: number, elapsedMs: number, width = 80): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const percent = `${Math.floor(fraction * 100)}`.padStart(3);
  const eta = done > 0 && done < total ? formatDuration((elapsedMs / done) * (total - done)) : done >= total ? '0.0s' : '--';
  const tail = ` ${percent}% ${done}/${total} ${formatDuration(elapsedMs)} elapsed, ETA ${eta}`;
  // Sized from the longest tail this bar can have, so that the bar keeps its width line after line.
  const longestTail = ` 100% ${total}/${total} 00m00s elapsed, ETA 00m00s`.length;
  const barWidth = Math.max(10, Math.min(30, width - label.length - longestTail - 4));
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  return `${label} ${bar}${tail}`;
}

/**
 * Owns a sink and coordinates its progress bars with log lines: a log line printed while a bar is
 * drawn on a terminal erases the bar, prints the line and draws the bar again below it.
 */
export class Terminal {
  private readonly now: () => number;
  private readonly redrawIntervalMs: number;
  private active: Bar | null = null;

  /** Creates a terminal writing to `sink`. */
  constructor(
    readonly sink: ProgressSink,
    options: TerminalOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.redrawIntervalMs = options.redrawIntervalMs ?? 100;
  }

  /** Starts a progress bar of `total` steps; a bar still drawn is finished first. */
  progress(label: string, total: number): ProgressHandle {
    this.active?.done();
    const bar = new Bar(this, label, Math.max(0, Math.floor(total)), this.now, this.redrawIntervalMs);
    this.active = bar;
    bar.start();
    return bar;
  }

  /** Prints one line of text, keeping the active bar intact on a terminal. */
  log(message: string): void {
    const tty = Boolean(this.sink.isTTY);
    if (tty && this.active) this.sink.write('\r\x1b[K');
    this.sink.write(`${message}\n`);
    if (tty && this.active) this.active.redraw(true);
  }

  /** @internal Called by a bar when it finishes. */
  release(bar: ProgressHandle): void {
    if (this.active === bar) this.active = null;
  }
}

class Bar implements ProgressHandle {
  private count = 0;
  private finished = false;
  private lastDraw = -Infinity;
  private readonly startedAt: number;
  private nextQuarter = 0;

  constructor(
    private readonly terminal: Terminal,
    private readonly label: string,
    private readonly total: number,
    private readonly now: () => number,
    private readonly redrawIntervalMs: number,
  ) {
    this.startedAt = now();
  }

  start(): void {
    if (this.terminal.sink.isTTY) this.redraw(true);
    else this.printQuarters();
  }

  tick(n = 1): void {
    if (this.finished) return;
    this.count = Math.min(this.total, this.count + n);
    if (this.terminal.sink.isTTY) this.redraw(false);
    else this.printQuarters();
  }

  done(): void {
    if (this.finished) return;
    this.count = this.total;
    if (this.terminal.sink.isTTY) {
      this.redraw(true);
      this.terminal.sink.write('\n');
    } else {
      this.printQuarters();
    }
    this.finished = true;
    this.terminal.release(this);
  }

  redraw(force: boolean): void {
    const t = this.now();
    if (!force && t - this.lastDraw < this.redrawIntervalMs && this.count < this.total) return;
    this.lastDraw = t;
    const width = this.terminal.sink.columns || 80;
    const line = formatProgressLine(this.label, this.count, this.total, t - this.startedAt, width);
    this.terminal.sink.write(`\r\x1b[K${line.slice(0, Math.max(20, width - 1))}`);
  }

  /** Prints a line for every quarter (0, 25, 50, 75, 100 %) reached since the last call. */
  private printQuarters(): void {
    const fraction = this.total > 0 ? this.count / this.total : 1;
    let reached = -1;
    while (this.nextQuarter <= 4 && fraction >= this.nextQuarter / 4) reached = this.nextQuarter++;
    if (reached < 0) return;
    const line = formatProgressLine(this.label, this.count, this.total, this.now() - this.startedAt);
    this.terminal.sink.write(`${line}\n`);
  }
}
