import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Experiment } from './experiment';
import { fakeTiers } from './experiments/context.test-helper';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, main, parseCommandLine, usage } from './main';
import { labDirectory } from './report/provenance';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (s: string) => out.push(s) }, stderr: { isTTY: false, write: (s: string) => err.push(s) } },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const ok: Experiment = {
  id: 'ok-one',
  title: 'Always fine',
  description: 'returns one number',
  tiers: fakeTiers(1),
  options: { level: { type: 'string', description: 'a level', parse: (raw) => Number(raw) } },
  async run(ctx) {
    const bar = ctx.progress('counting', 2);
    bar.tick();
    bar.tick();
    bar.done();
    return { summary: [{ metric: 'answer', value: 42 + Number(ctx.options.values.level ?? 0) }], sections: [{ title: 'Body', html: '<p>fine</p>' }], data: { seed: ctx.options.seed } };
  },
};
const broken: Experiment = {
  id: 'broken',
  title: 'Always throws',
  description: 'throws on purpose',
  tiers: fakeTiers(2),
  async run() {
    throw new Error('on purpose');
  },
};

describe('command line', () => {
  it('rejects an unknown command with exit code 2, naming it', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(EXIT_USAGE);
    expect(c.err()).toContain("unknown command 'frobnicate'");
    expect(c.err()).toContain('backends');
    expect(c.out()).toBe('');
  });

  it('rejects unknown options, missing values, stray arguments and bad values with exit code 2', async () => {
    for (const [argv, message] of [
      [['all', '--bogus'], "unknown option '--bogus'"],
      [['backends', '--out'], '--out'],
      [['backends', 'extra'], "unexpected argument 'extra'"],
      [['backends', '--seed', 'x'], "'--seed'"],
      [['backends', '--sizes', '0'], "'--sizes'"],
      [['list', '--sizes', '8'], "option '--sizes' does not apply to 'list'"],
      [['all', '--quick', '--full'], "options '--quick' and '--full' exclude each other"],
      [[], 'missing command'],
    ] as Array<[string[], string]>) {
      const c = capture();
      expect(await main(argv, c.io), argv.join(' ')).toBe(EXIT_USAGE);
      expect(c.err()).toContain(message);
    }
  });

  it('prints help and the list of experiments', async () => {
    const help = capture();
    expect(await main(['--help'], help.io)).toBe(EXIT_OK);
    expect(help.out()).toContain('Usage: nnlab <command> [options]');
    expect(help.out()).toContain('--sizes LIST');
    expect(usage()).toContain('backends');
    const list = capture();
    expect(await main(['list'], list.io)).toBe(EXIT_OK);
    expect(list.out()).toMatch(/backends\s+Backends/);
    const fake = capture();
    await main(['list'], { ...fake.io, experiments: [ok] });
    expect(fake.out()).toMatch(/ok-one\s+Always fine\s+1\.0s\s+10\.0s/);
  });

  it('passes declared options to the experiments that declared them', () => {
    const parsed = parseCommandLine(['ok-one', '--level', '3', '--seed', '7', '--quick'], [ok, broken], '/base');
    expect(parsed.selected.map((e) => e.id)).toEqual(['ok-one']);
    expect(parsed.options).toEqual({ seed: 7, quick: true, full: false, values: { level: 3 } });
    expect(parseCommandLine(['all', '--full'], [ok]).options.full).toBe(true);
    expect(parsed.outDir).toBe('/base/out/lab');
  });
});

describe('runs', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs the backends experiment in-process and writes report.html and report.json', async () => {
    dir = await mkdtemp(join(tmpdir(), 'nnlab-main-'));
    const c = capture();
    const code = await main(['backends', '--out', 'rep', '--backends', 'cpu,webgl', '--sizes', '16', '--repeats', '1'], { ...c.io, cwd: dir });
    expect(code, c.err()).toBe(EXIT_OK);
    expect((await stat(join(dir, 'rep', 'report.html'))).isFile()).toBe(true);
    const json = JSON.parse(await readFile(join(dir, 'rep', 'report.json'), 'utf8'));
    expect(json.experiments.map((e: { id: string }) => e.id)).toEqual(['backends']);
    expect(json.experiments[0].result.data.sizes).toEqual([16]);
    const html = await readFile(join(dir, 'rep', 'report.html'), 'utf8');
    expect(html).toContain('cpu: matmul max rel. error');
    expect(c.out()).toMatch(/backends\s+cpu: matmul max rel\. error/);
    expect(c.out()).toMatch(/webgl\s+unavailable: /);
    expect(c.err()).toContain('backends matmul');
  });

  it('keeps running after an experiment throws, reports it and exits with 1', async () => {
    dir = await mkdtemp(join(tmpdir(), 'nnlab-main-'));
    const c = capture();
    const code = await main(['all', '--out', dir, '--level', '1'], { ...c.io, experiments: [broken, ok] });
    expect(code).toBe(EXIT_FAILED);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(json.experiments.map((e: { id: string; status: string }) => `${e.id}:${e.status}`)).toEqual(['broken:failed', 'ok-one:ok']);
    expect(json.experiments[1].result.summary[0].value).toBe(43);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('on purpose');
    expect(c.out()).toMatch(/broken\s+error\s+on purpose\s+FAIL/);
    expect(c.out()).toMatch(/ok-one\s+answer\s+43/);
  });

  it('prints the plan with the expected total before the first experiment, and the overall progress as each starts', async () => {
    dir = await mkdtemp(join(tmpdir(), 'nnlab-main-'));
    const c = capture();
    await main(['all', '--out', dir], { ...c.io, experiments: [ok, broken] });
    const err = c.err();
    expect(err).toContain('nnlab: 2 experiments, expected about 3.0s on the reference machine');
    expect(err).toMatch(/1\/2\s+ok-one\s+default\s+1\.0s\s+made up for a test/);
    expect(err.indexOf('expected about 3.0s')).toBeLessThan(err.indexOf('== [1/2] ok-one'));
    expect(err).toMatch(/== \[1\/2\] ok-one: Always fine \(default tier, expected 1\.0s; overall 0\.0s elapsed, about 3\.0s left\)/);
    expect(err).toMatch(/== \[2\/2\] broken: Always throws \(default tier, expected 2\.0s; overall \d+\.\ds elapsed, about \d+\.\ds left\)/);
    const full = capture();
    await main(['ok-one', '--full', '--out', dir], { ...full.io, experiments: [ok, broken] });
    expect(full.err()).toContain('nnlab: 1 experiment, expected about 10.0s');
    expect(full.err()).toContain('== [1/1] ok-one: Always fine (full tier, expected 10.0s;');
    const own = capture();
    await main(['ok-one', '--level', '2', '--out', dir], { ...own.io, experiments: [ok, broken] });
    expect(own.err()).toContain('== [1/1] ok-one: Always fine (default tier, no estimate: --level changes the work;');
  });

  it('records in report.json what reproduces the run: package versions, commit, seed, tier, options, and per experiment its tier, timing and backends', async () => {
    dir = await mkdtemp(join(tmpdir(), 'nnlab-main-'));
    const c = capture();
    const code = await main(['backends', '--out', dir, '--seed', '5', '--backends', 'cpu', '--sizes', '16', '--repeats', '1'], c.io);
    expect(code, c.err()).toBe(EXIT_OK);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    const lab = JSON.parse(await readFile(join(labDirectory(), 'package.json'), 'utf8'));
    expect(json.provenance.packages['@nnlab/lab']).toBe(lab.version);
    expect(Object.keys(json.provenance.packages)).toEqual(['@nnlab/lab', ...Object.keys(lab.dependencies).sort()]);
    expect(json.provenance.git.commit).toBe(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: labDirectory(), encoding: 'utf8' }).trim());
    expect(json.provenance).toMatchObject({ seed: 5, tier: 'default', options: { backends: ['cpu'], sizes: [16], repeats: 1 } });
    const [record] = json.experiments;
    expect(record).toMatchObject({ id: 'backends', tier: 'default', expectedSeconds: null, backends: ['cpu'] });
    expect(record.durationMs).toBeGreaterThan(0);
    expect(Date.parse(record.startedAt)).toBeGreaterThanOrEqual(Date.parse(json.startedAt));
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain(`<tr><th>Commit</th><td>${json.provenance.git.commit}`);
    expect(html).toContain('<tr><th>Seed</th><td>5</td></tr>');
  });

  it('checks every selected experiment first and runs none when any reports a problem, listing them all', async () => {
    dir = await mkdtemp(join(tmpdir(), 'nnlab-main-'));
    const c = capture();
    let ran = 0;
    const counted = (e: Experiment): Experiment => ({ ...e, run: async (ctx) => { ran++; return e.run(ctx); } });
    const needsA: Experiment = { ...counted(ok), check: async () => ['data set A not found: install a-data'] };
    const needsB: Experiment = { ...counted(broken), check: async () => ['--b-dir /x: directory not found', 'file C not found'] };
    const code = await main(['all', '--out', dir], { ...c.io, experiments: [needsB, counted({ ...ok, id: 'fine' }), needsA] });
    expect(code).toBe(EXIT_FAILED);
    expect(ran).toBe(0);
    expect(c.err()).toContain(
      'nnlab: nothing was run; 3 problems to fix first:\n  - broken: --b-dir /x: directory not found\n  - broken: file C not found\n  - ok-one: data set A not found: install a-data\n',
    );
    await expect(stat(join(dir, 'report.json'))).rejects.toThrow();
  });

  it('fails fast with the real experiments when the directories passed do not exist', async () => {
    const c = capture();
    const started = performance.now();
    const code = await main(['all', '--quick', '--cifar-dir', '/nonexistent/cifar', '--acasxu', '/nonexistent/acasxu'], c.io);
    expect(code).toBe(EXIT_FAILED);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(c.err()).toContain('  - dfa: --cifar-dir /nonexistent/cifar: directory not found');
    expect(c.err()).toContain('  - verify: --acasxu /nonexistent/acasxu: directory not found');
    expect(c.err()).not.toContain('== backends');
  });
});
