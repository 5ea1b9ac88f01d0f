import { describe, expect, it } from 'vitest';
import { Terminal, formatDuration, formatProgressLine } from './progress';

function fakeSink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, sink: { isTTY, columns: 100, write: (s: string) => writes.push(s) } };
}

describe('progress', () => {
  it('formats durations', () => {
    expect(formatDuration(1234)).toBe('1.2s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('--');
  });

  it('shows percent, counts, elapsed time and ETA', () => {
    const line = formatProgressLine('train', 25, 100, 10_000);
    expect(line).toContain(' 25% 25/100');
    expect(line).toContain('10.0s elapsed');
    expect(line).toContain('ETA 30.0s');
  });

  it('prints a line at 0, 25, 50, 75 and 100 % when the sink is not a terminal', () => {
    let t = 0;
    const { writes, sink } = fakeSink(false);
    const term = new Terminal(sink, { now: () => t });
    const bar = term.progress('loop', 8);
    for (let i = 0; i < 8; i++) {
      t += 1000;
      bar.tick();
    }
    bar.done();
    expect(writes.map((w) => /(\d+)%/.exec(w)?.[1])).toEqual(['0', '25', '50', '75', '100']);
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
  });

  it('redraws in place on a terminal and keeps the bar below log lines', () => {
    let t = 0;
    const { writes, sink } = fakeSink(true);
    const term = new Terminal(sink, { now: () => t, redrawIntervalMs: 0 });
    const bar = term.progress('loop', 4);
    bar.tick();
    term.log('hello');
    t += 10;
    bar.tick(3);
    bar.done();
    expect(writes.filter((w) => w.startsWith('\r\x1b[K')).length).toBeGreaterThanOrEqual(4);
    const hello = writes.indexOf('hello\n');
    expect(hello).toBeGreaterThan(0);
    expect(writes[hello + 1]).toContain('loop');
    expect(writes[writes.length - 1]).toBe('\n');
  });

  it('keeps the bar width fixed and treats an unknown terminal width as 80 columns', () => {
    const writes: string[] = [];
    const term = new Terminal({ isTTY: true, columns: 0, write: (s: string) => writes.push(s) }, { now: () => 0, redrawIntervalMs: 0 });
    const bar = term.progress('loop', 100);
    bar.tick(5);
    bar.tick(95);
    const drawn = writes.filter((w) => w.startsWith('\r'));
    expect(drawn.every((w) => w.includes('ETA'))).toBe(true);
    const widths = drawn.map((w) => /\[[#-]+\]/.exec(w)?.[0].length);
    expect(new Set(widths).size).toBe(1);
  });
});
