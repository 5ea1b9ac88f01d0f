import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acasXu, cifar10, fileOption, mnist, ovalCifar, requiring, unlessGiven, whenGiven } from './data-needs';
import type { Experiment } from './experiment';
import { fakeTiers } from './experiments/context.test-helper';

const work = mkdtempSync(join(tmpdir(), 'nnlab-data-needs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const missing = join(work, 'missing');

describe('data needs', () => {
  it('find MNIST, CIFAR-10 and ACAS Xu in the packages the lab depends on', async () => {
    expect(await mnist({})).toBeUndefined();
    expect(await cifar10('cifar-dir')({})).toBeUndefined();
    expect(await acasXu('acasxu')({})).toBeUndefined();
  });

  it('name the option and the directory when an explicit directory does not exist', async () => {
    expect(await cifar10('cifar-dir')({ 'cifar-dir': missing })).toBe(`--cifar-dir ${missing}: directory not found (${missing})`);
    expect(await acasXu('acasxu')({ acasxu: missing })).toBe(`--acasxu ${missing}: directory not found (${missing})`);
    expect(await acasXu('acasxu')({ acasxu: work })).toBeUndefined();
  });

  it('check files named by options only when given, and skip a need when its option is given', async () => {
    const file = join(work, 'net.nnet');
    writeFileSync(file, '');
    expect(await fileOption('net')({})).toBeUndefined();
    expect(await fileOption('net')({ net: file })).toBeUndefined();
    expect(await fileOption('net')({ net: missing })).toBe(`--net ${missing}: file not found (${missing})`);
    expect(await fileOption('net')({ net: work })).toMatch(/file not found/);
    expect(await unlessGiven('net', acasXu('acasxu'))({ net: file, acasxu: missing })).toBeUndefined();
  });

  it('check the OVAL data only for --suite runs, naming the option when its directory is missing', async () => {
    expect(await ovalCifar('oval')({})).toBeUndefined();
    expect(await whenGiven('suite', ovalCifar('oval'))({ oval: missing })).toBeUndefined();
    expect(await whenGiven('suite', ovalCifar('oval'))({ suite: 'oval-20', oval: missing })).toBe(`--oval ${missing}: directory not found (${missing})`);
  });

  it('become the experiment check, after the experiment own check', async () => {
    const base: Experiment = { id: 'x', title: 'x', description: 'x', tiers: fakeTiers(), check: async () => ['own problem'], run: async () => ({ summary: [], sections: [], data: null }) };
    const checked = requiring(base, [fileOption('spec'), mnist, cifar10('cifar-dir')]);
    expect(await checked.check!({ seed: 1, quick: true, full: false, values: { spec: missing, 'cifar-dir': missing } })).toEqual([
      'own problem',
      `--spec ${missing}: file not found (${missing})`,
      `--cifar-dir ${missing}: directory not found (${missing})`,
    ]);
    expect(checked.run).toBe(base.run);
  });
});
