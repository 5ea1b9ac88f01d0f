import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Runs scripts/pack-check.mjs against the packages that turbo built before this task (`^build`).
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const reportDir = mkdtempSync(join(tmpdir(), 'nnlab-pack-check-report-'));
afterAll(() => rmSync(reportDir, { recursive: true, force: true }));

describe('published tarballs of the @nnlab packages', () => {
  it('pack, install outside the workspace, load from ES modules and CommonJS, share types between entry points', () => {
    const reportFile = join(reportDir, 'report.json');
    const result = spawnSync(process.execPath, [join(repoRoot, 'scripts/pack-check.mjs'), '--json', reportFile], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const output = `${result.stdout}${result.stderr}`;
    console.log(output);
    expect(existsSync(reportFile), `pack-check wrote no report:\n${output}`).toBe(true);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report.failures).toEqual([]);
    expect(result.status).toBe(0);
    expect(report.esm.names['@nnlab/lca']).toContain('OnlineLca');
    expect(report.cjs.names['@nnlab/tensor-gpu']).toEqual(report.esm.names['@nnlab/tensor-gpu']);
    // Values typed by @nnlab/tensor-gpu/node and @nnlab/lca/node are the main entries' types and back,
    // t.nn.Module works as a type, and every entry's declaration files type-check (no skipLibCheck).
    expect(report.entryTypes).toEqual({ node16: { status: 0, errors: [] }, bundler: { status: 0, errors: [] } });
  });
});
