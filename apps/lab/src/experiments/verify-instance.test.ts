import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_USAGE, main } from '../main';
import { formatVnncompResult, parseSeconds, VERDICT_EXIT_CODES } from './verify-instance';

const dir = mkdtempSync(join(tmpdir(), 'nnlab-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (s: string) => out.push(s) }, stderr: { isTTY: false, write: (s: string) => err.push(s) }, cwd: dir }, out: () => out.join(''), err: () => err.join('') };
}

// y = x0 through one ReLU (identity on [0, 1]).
const net = join(dir, 'id.nnet');
writeFileSync(net, '2,1,1,2,\n1,2,1,\n0,\n-1,\n1,\n0,0,\n1,1,\n1,\n-1,\n0,\n0,\n1,-1,\n0,\n');
const spec = (name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, `(declare-const X_0 Real)\n(declare-const Y_0 Real)\n${body}\n`);
  return path;
};
const open = spec('open.vnnlib', '(assert (> X_0 0)) (assert (< X_0 1)) (assert (>= Y_0 1))');
const closed = spec('closed.vnnlib', '(assert (>= X_0 0)) (assert (<= X_0 1)) (assert (>= Y_0 1))');
const safe = spec('safe.vnnlib', '(assert (>= X_0 0)) (assert (<= X_0 1)) (assert (>= Y_0 1.5))');

describe('nnlab verify --net --spec', () => {
  it('ends with the verdict as exit code and writes it in VNN-COMP form to --result', async () => {
    const cases: [string, string, number, string][] = [
      ['safe', safe, VERDICT_EXIT_CODES.holds, 'unsat\n'],
      ['closed', closed, VERDICT_EXIT_CODES.violated, 'sat\n((X_0 1)\n (Y_0 1))\n'],
    ];
    for (const [name, path, code, text] of cases) {
      const c = capture();
      const result = join(dir, `${name}.result`);
      expect(await main(['verify', '--net', net, '--spec', path, '--timeout', '20', '--result', result, '--out', join(dir, `out-${name}`)], c.io), c.err()).toBe(code);
      expect(readFileSync(result, 'utf8')).toBe(text);
    }
    // The open interval never reaches 1: never 'sat', whatever else.
    const c = capture();
    const result = join(dir, 'open.result');
    const code = await main(['verify', '--net', net, '--spec', open, '--timeout', '2', '--result', result, '--out', join(dir, 'out-open')], c.io);
    expect([VERDICT_EXIT_CODES.holds, VERDICT_EXIT_CODES.timeout, VERDICT_EXIT_CODES.unknown]).toContain(code);
    expect(['unsat\n', 'timeout\n', 'unknown\n']).toContain(readFileSync(result, 'utf8'));
  });

  it('refuses unusable paths and numbers in one line before running anything', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    const cases: [string[], RegExp][] = [
      [['--out', join(dir, 'a-file')], /^nnlab: option '--out': cannot write the report to '.*a-file': '.*a-file' exists and is not a directory\n$/],
      [['--out', '/proc/nnlab-x'], /^nnlab: option '--out': cannot write the report to '\/proc\/nnlab-x': /],
      [['--result', dir], /option '--result': cannot write the result to '.*': it is a directory/],
      [['--net', dir], /option '--net': '.*' is a directory or a special file, expected a regular file/],
      [['--spec', join(dir, 'missing.vnnlib')], /option '--spec': cannot read '.*missing\.vnnlib': no such file/],
      [['--timeout', '0x5'], /option '--timeout': expected a decimal number of seconds > 0, got '0x5'/],
      [['--timeout', 'Infinity'], /option '--timeout': expected a decimal number/],
    ];
    for (const [extra, message] of cases) {
      const c = capture();
      const base = ['verify', '--net', net, '--spec', safe, '--out', join(dir, 'out-ok')];
      const argv = [...base];
      for (let i = 0; i < extra.length; i += 2) {
        const at = argv.indexOf(extra[i]);
        if (at >= 0) argv[at + 1] = extra[i + 1];
        else argv.push(extra[i], extra[i + 1]);
      }
      expect(await main(argv, c.io), extra.join(' ')).toBe(EXIT_USAGE);
      expect(c.err().split('\n')[0], extra.join(' ')).toMatch(new RegExp(message.source.replace(/\\n\$$/, '')));
      expect(c.err()).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('refuses --cpu-timeout outside a --suite run, naming the option', async () => {
    const c = capture();
    expect(await main(['verify', '--net', net, '--spec', safe, '--cpu-timeout', '5', '--out', join(dir, 'out-cpu')], c.io)).not.toBe(0);
    expect(c.err()).toContain('verify: --cpu-timeout applies to --suite runs only');
  });

  it('formats results and reads timeouts as VNN-COMP tools do', () => {
    expect(formatVnncompResult('holds', null)).toBe('unsat\n');
    expect(formatVnncompResult('timeout', null)).toBe('timeout\n');
    expect(formatVnncompResult('unknown', null)).toBe('unknown\n');
    const cex = { input: Float64Array.of(0.1, -2), output: Float64Array.of(1e-20), region: 0, clause: 0 };
    expect(formatVnncompResult('violated', cex)).toBe('sat\n((X_0 0.1)\n (X_1 -2)\n (Y_0 1e-20))\n');
    expect(parseSeconds('2.5')).toBe(2.5);
    expect(parseSeconds('1e1')).toBe(10);
    for (const bad of ['0', '-1', '0b101', ' ', 'NaN']) expect(() => parseSeconds(bad), bad).toThrow(/decimal number of seconds/);
  });
});
