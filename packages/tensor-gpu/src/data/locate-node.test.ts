import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataSetNotFoundError, installedPackageDir, locateDataSet, type DataSetSource } from './locate-node';

const root = mkdtempSync(join(tmpdir(), 'nnlab-locate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'shared', 'things'), { recursive: true });

const source = (packageDir?: string): DataSetSource => ({ dataSet: 'Things', install: 'the npm package things', packageDir: () => packageDir, sharedSubdir: 'things' });
const env = { NNLAB_SHARED_DATA: join(root, 'shared') };

describe('locateDataSet', () => {
  it('takes the explicit directory first, then the installed package, then NNLAB_SHARED_DATA', () => {
    expect(locateDataSet(source('/pkg/things'), 'rel/dir', env)).toEqual({ dir: resolve('rel/dir'), source: 'option' });
    expect(locateDataSet(source('/pkg/things'), undefined, env)).toEqual({ dir: '/pkg/things', source: 'package' });
    expect(locateDataSet(source(), undefined, env)).toEqual({ dir: join(root, 'shared', 'things'), source: 'environment' });
  });

  it('says what to install or pass when the data set is nowhere', () => {
    const nowhere = () => locateDataSet(source(), undefined, {});
    expect(nowhere).toThrow(DataSetNotFoundError);
    expect(nowhere).toThrow('Things not found: install the npm package things, or pass its directory, or set NNLAB_SHARED_DATA to a folder holding things/');
    expect(() => locateDataSet(source(), undefined, { NNLAB_SHARED_DATA: join(root, 'elsewhere') })).toThrow(
      `Things not found: install the npm package things, or pass its directory (NNLAB_SHARED_DATA names ${join(root, 'elsewhere', 'things')}, which does not exist)`,
    );
  });
});

describe('installedPackageDir', () => {
  it('resolves a package the asking module can import, and gives undefined for one it cannot', () => {
    expect(installedPackageDir(import.meta.url, 'gpu.js')).toMatch(/gpu\.js$/);
    expect(installedPackageDir(import.meta.url, 'no-such-package-nnlab')).toBeUndefined();
  });
});
