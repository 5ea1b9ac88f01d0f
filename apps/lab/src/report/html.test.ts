import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderReportHtml, writeReport } from './html';
import { collectEnvironment, runFailed, type LabReport } from './model';
import { summaryTable } from './table';

function sampleReport(): LabReport {
  return {
    title: 'nnlab report',
    startedAt: '2025-01-01T00:00:00.000Z',
    command: 'nnlab all',
    environment: collectEnvironment(),
    provenance: { packages: { '@nnlab/lab': '0.0.0', '@nnlab/tensor-gpu': '0.1.0' }, git: { commit: null, reason: 'no git commit: not a git repository' }, seed: 3, tier: 'default', options: {} },
    experiments: [
      {
        id: 'alpha',
        title: 'Alpha <one>',
        description: 'first',
        status: 'ok',
        tier: 'default',
        expectedSeconds: 2,
        startedAt: '2025-01-01T00:00:00.000Z',
        durationMs: 1234,
        backends: ['cpu'],
        result: {
          summary: [
            { metric: 'accuracy', value: 0.9812, reference: '0.98 (paper)', pass: true },
            { metric: 'speed & size', value: 'fast' },
            { metric: 'tiny error', value: 3.2e-7, reference: '≤ 1e-5', pass: true },
          ],
          sections: [{ title: 'Figure', html: '<svg xmlns="http://www.w3.org/2000/svg"><rect class="bar"/></svg>' }],
          data: { curve: new Float32Array([1, 2]), bad: Number.NaN, inf: Number.POSITIVE_INFINITY },
        },
      },
      { id: 'beta', title: 'Beta', description: 'second', status: 'failed', tier: 'default', expectedSeconds: null, startedAt: '2025-01-01T00:00:01.000Z', durationMs: 5, backends: [], error: { message: 'boom <here>', stack: 'Error: boom <here>\n    at x' } },
    ],
  };
}

describe('report writer', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes an HTML file containing every summary metric and value, and the JSON of every number', async () => {
    dir = await mkdtemp(join(tmpdir(), 'nnlab-html-'));
    const report = sampleReport();
    const written = await writeReport(join(dir, 'nested', 'out'), report);
    const html = await readFile(written.html, 'utf8');
    for (const row of report.experiments[0].result!.summary) {
      expect(html).toContain(row.metric.replace('&', '&amp;'));
    }
    expect(html).toContain('0.9812');
    expect(html).toContain('3.2e-7');
    expect(html).toContain('fast');
    expect(html).toContain('Alpha &lt;one&gt;');
    expect(html).toContain('boom &lt;here&gt;');
    expect(html).toContain('<rect class="bar"/>');
    expect(html).toContain(process.version);
    expect(html).not.toMatch(/<link|<script|src="http/);

    const json = JSON.parse(await readFile(written.json, 'utf8'));
    expect(json.experiments[0].result.data).toEqual({ curve: [1, 2], bad: 'NaN', inf: 'Infinity' });
    expect(json.experiments[0].result.summary[0].value).toBe(0.9812);
    expect(json.experiments[0].result.sections).toEqual([{ title: 'Figure' }]);
    expect(json.experiments[1].status).toBe('failed');
    expect(json.environment.cpuCount).toBeGreaterThan(0);
    // What reproduces the run, and each experiment's tier, timing and backend, in both files.
    expect(json.provenance).toEqual(report.provenance);
    expect(json.experiments[0]).toMatchObject({ tier: 'default', expectedSeconds: 2, durationMs: 1234, backends: ['cpu'] });
    expect(html).toContain('<tr><th>Commit</th><td>no git commit: not a git repository</td></tr>');
    expect(html).toContain('@nnlab/lab 0.0.0, @nnlab/tensor-gpu 0.1.0');
    expect(html).toContain('Finished in 1.2 s (default tier, expected 2 s on the reference machine; backend cpu).');
  });

  it('marks the run failed and shows it in the text summary', () => {
    const report = sampleReport();
    expect(runFailed(report)).toBe(true);
    const text = summaryTable(report);
    expect(text).toMatch(/alpha\s+accuracy\s+0\.9812\s+0\.98 \(paper\)\s+pass/);
    expect(text).toMatch(/beta\s+error\s+boom <here>\s+FAIL/);
    report.experiments.pop();
    expect(runFailed(report)).toBe(false);
    expect(renderReportHtml(report)).not.toContain('class="fail"');
  });
});
