import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateDataSet } from '@nnlab/tensor-gpu/node';
import { afterAll, describe, expect, it } from 'vitest';
import { requirePresent, sharedData } from '../../../../scripts/shared-data.test-helper';
import { ACASXU_SHA256, ACASXU_SOURCE, acasXuDataDir, acasXuNetworkPath, readAcasXuNetwork, readAcasXuProperty } from './acasxu';

const work = mkdtempSync(join(tmpdir(), 'nnlab-acasxu-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('acasXuDataDir', () => {
  it('defaults to the installed @nnlab/verification-benchmarks package; an explicit directory wins', () => {
    expect(acasXuDataDir()).toMatch(/verification-benchmarks[/\\]data[/\\]acasxu$/);
    expect(acasXuDataDir(work)).toBe(work);
  });

  it('says which package to install when the benchmark is nowhere', () => {
    const notInstalled = { ...ACASXU_SOURCE, packageDir: () => undefined };
    expect(() => locateDataSet(notInstalled, undefined, {})).toThrow(
      'ACAS Xu not found: install the npm package @nnlab/verification-benchmarks (an optional peer dependency of @nnlab/bab-gnn), or pass its directory, or set NNLAB_SHARED_DATA to a folder holding acasxu/',
    );
  });
});

describe('the ACAS Xu files of the package', () => {
  const dir = acasXuDataDir();

  it('match the SHA-256 of the data README for all 45 networks and ten properties, and parse', () => {
    for (let x = 1; x <= 5; x++) {
      for (let y = 1; y <= 9; y++) {
        const { network } = readAcasXuNetwork(dir, x, y);
        expect(network.layers.length, `N${x},${y}`).toBe(7);
      }
    }
    for (let p = 1; p <= 10; p++) expect(readAcasXuProperty(dir, p).regions.length, `φ${p}`).toBeGreaterThan(0);
    expect(Object.keys(ACASXU_SHA256)).toHaveLength(55);
  });

  const shared = sharedData('acasxu', ['nnet/ACASXU_run2a_1_1_batch_2000.nnet']);
  it.skipIf(shared.skip)('are byte for byte those of ../shared/data/acasxu', () => {
    requirePresent(shared);
    for (const rel of Object.keys(ACASXU_SHA256)) expect(readFileSync(join(dir, rel)).equals(readFileSync(join(shared.dir, rel))), rel).toBe(true);
  });
});

describe('reading a wrong ACAS Xu directory', () => {
  it('names the missing file, and a file whose checksum differs', () => {
    expect(() => readAcasXuNetwork(work, 1, 1)).toThrow(`ACAS Xu: missing file '${join(work, acasXuNetworkPath(1, 1))}'`);
    mkdirSync(join(work, 'vnnlib'));
    copyFileSync(join(acasXuDataDir(), 'vnnlib', 'prop_3.vnnlib'), join(work, 'vnnlib', 'prop_3.vnnlib'));
    expect(readAcasXuProperty(work, 3).regions.length).toBeGreaterThan(0);
    writeFileSync(join(work, 'vnnlib', 'prop_3.vnnlib'), readFileSync(join(work, 'vnnlib', 'prop_3.vnnlib'), 'utf8').replace('3.', '4.'));
    expect(() => readAcasXuProperty(work, 3)).toThrow(/ACAS Xu: checksum mismatch for '.*prop_3\.vnnlib': expected 68f17e66/);
  });
});
