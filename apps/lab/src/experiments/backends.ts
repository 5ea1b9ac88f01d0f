/**
 * The `backends` experiment: which gpu.js backends run here, whether their matmul agrees with a
 * float64 reference, and how fast it is.
 */
import { getBackend, isBackendAvailable, matmul, memory, randn, setBackend, type BackendName, type Tensor } from '@nnlab/tensor-gpu';
import { tierOf, type Experiment, type ExperimentContext, type ExperimentResult, type ExperimentTiers, type SummaryRow } from '../experiment';
import { escapeXml, formatNumber } from '../report/format';
import { barChart } from '../report/svg';
import { positiveInt, positiveIntList } from '../option-parsers';

/** The backends the experiment tries, in the order they are reported. */
export const LAB_BACKENDS: readonly BackendName[] = ['cpu', 'webasm', 'headlessgl', 'webgl', 'webgl2', 'webgpu'];

/** Largest error, relative to the largest |value| of the reference, that counts as agreement. */
export const MATMUL_TOLERANCE = 1e-5;

/** Settings of {@link createBackendsExperiment}; the command-line options override them. */
export interface BackendsSettings {
  /** Backends to try (default {@link LAB_BACKENDS}). */
  backends?: readonly BackendName[];
  /** Square matrix sizes (default 64, 128, 256; 64 with `--quick`). */
  sizes?: readonly number[];
  /** Timed runs per size after the warm-up; the median is reported (default 5; 3 with `--quick`). */
  repeats?: number;
}

/** The measurement of one matrix size on one backend. */
export interface MatmulMeasurement {
  /** The matrices are `size × size`. */
  size: number;
  /** max |C − C_ref| over the elements. */
  maxAbsError: number;
  /** {@link maxAbsError} divided by max |C_ref|. */
  maxRelError: number;
  /** Whether {@link maxRelError} ≤ {@link MATMUL_TOLERANCE}. */
  pass: boolean;
  /** Milliseconds of every timed run (matmul plus readback). */
  timesMs: number[];
  /** The median of {@link timesMs}. */
  medianMs: number;
  /** 2·size³ floating-point operations over the median time, in 10⁹ per second. */
  gflops: number;
}

/** What the experiment found for one backend. */
export interface BackendReport {
  /** The backend. */
  name: BackendName;
  /** Whether gpu.js can run it here. */
  available: boolean;
  /** Why it is not available (only when it is not). */
  reason?: string;
  /** One entry per size (empty when unavailable or when it threw). */
  measurements: MatmulMeasurement[];
  /** What went wrong on an available backend (selecting it, or running a kernel). */
  error?: string;
  /** Tensors still alive after the backend's runs (0 unless something leaks). */
  leakedTensors?: number;
}

/** Why a backend is not available here, in words a user can act on. */
export function unavailableReason(name: BackendName): string {
  const inNode = typeof process !== 'undefined' && Boolean(process.versions?.node);
  const hasDocument = typeof document !== 'undefined';
  switch (name) {
    case 'cpu':
      return 'gpu.js reported the CPU backend as unavailable';
    case 'webasm':
      return typeof WebAssembly === 'undefined' ? 'WebAssembly is not available in this runtime' : 'gpu.js reported WebAssembly as unsupported';
    case 'headlessgl':
      if (!inNode) return 'headless-gl runs only in Node';
      if (process.platform === 'linux' && !process.env.DISPLAY) return 'no X display (run under xvfb-run -a)';
      return 'headless-gl could not create a WebGL context (is the gl package built?)';
    case 'webgl':
    case 'webgl2':
      return hasDocument ? `the browser gave no ${name === 'webgl' ? 'WebGL' : 'WebGL2'} context` : 'needs a browser canvas (none in Node)';
    case 'webgpu': {
      const gpu = (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
      return gpu ? 'navigator.gpu gave no adapter' : 'no navigator.gpu in this runtime';
    }
  }
}

/** C = A·B in float64, for row-major `n × n` matrices. */
export function referenceMatmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[row + k];
      const bk = k * n;
      for (let j = 0; j < n; j++) c[row + j] += aik * b[bk + j];
    }
  }
  return c;
}

/** max |x − ref| and that divided by max |ref| (0 when both are 0). */
export function compareToReference(x: ArrayLike<number>, ref: ArrayLike<number>): { maxAbsError: number; maxRelError: number } {
  if (x.length !== ref.length) throw new Error(`compareToReference: ${x.length} values against ${ref.length}`);
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(x[i] - ref[i]);
    maxAbs = d > maxAbs || Number.isNaN(d) ? d : maxAbs;
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return { maxAbsError: maxAbs, maxRelError: scale === 0 ? maxAbs : maxAbs / scale };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function parseBackends(raw: string): BackendName[] {
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(LAB_BACKENDS as readonly string[]).includes(n));
  if (bad.length || names.length === 0) {
    throw new Error(`unknown backend ${bad.map((b) => `'${b}'`).join(', ') || "''"}; expected a comma-separated list of ${LAB_BACKENDS.join(', ')}`);
  }
  return names as BackendName[];
}

async function timedMatmul(a: Tensor, b: Tensor): Promise<{ ms: number; values: Float32Array }> {
  const start = performance.now();
  const c = matmul(a, b);
  try {
    const values = await c.data();
    return { ms: performance.now() - start, values };
  } finally {
    c.dispose();
  }
}

async function measureBackend(
  name: BackendName,
  sizes: readonly number[],
  repeats: number,
  seed: number,
  tick: () => void,
): Promise<BackendReport> {
  const report: BackendReport = { name, available: true, measurements: [] };
  const before = memory().numTensors;
  try {
    const selected = await setBackend(name);
    const actual = getBackend();
    if (selected !== name || actual !== name) throw new Error(`setBackend('${name}') left getBackend() === '${actual}'`);
    for (const n of sizes) {
      const a = randn([n, n], { seed: seed * 7919 + n * 2 });
      const b = randn([n, n], { seed: seed * 7919 + n * 2 + 1 });
      try {
        const reference = referenceMatmul(await a.data(), await b.data(), n);
        const warm = await timedMatmul(a, b);
        tick();
        const { maxAbsError, maxRelError } = compareToReference(warm.values, reference);
        const timesMs: number[] = [];
        for (let r = 0; r < repeats; r++) {
          timesMs.push((await timedMatmul(a, b)).ms);
          tick();
        }
        const medianMs = median(timesMs);
        report.measurements.push({
          size: n,
          maxAbsError,
          maxRelError,
          pass: maxRelError <= MATMUL_TOLERANCE,
          timesMs,
          medianMs,
          gflops: (2 * n ** 3) / (medianMs * 1e6),
        });
      } finally {
        a.dispose();
        b.dispose();
      }
    }
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
  }
  report.leakedTensors = memory().numTensors - before;
  return report;
}

function summarize(reports: readonly BackendReport[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const r of reports) {
    if (!r.available) {
      rows.push({ metric: r.name, value: `unavailable: ${r.reason}` });
    } else if (r.error !== undefined) {
      rows.push({ metric: r.name, value: `error: ${r.error}`, pass: false });
    } else if (r.measurements.length > 0) {
      const worst = Math.max(...r.measurements.map((m) => m.maxRelError));
      rows.push({ metric: `${r.name}: matmul max rel. error`, value: worst, reference: `≤ ${formatNumber(MATMUL_TOLERANCE)} (float64)`, pass: worst <= MATMUL_TOLERANCE });
      const largest = r.measurements[r.measurements.length - 1];
      rows.push({ metric: `${r.name}: matmul GFLOP/s at ${largest.size}`, value: Number(largest.gflops.toPrecision(4)) });
      if (r.leakedTensors) rows.push({ metric: `${r.name}: leaked tensors`, value: r.leakedTensors, reference: '0', pass: false });
    }
  }
  const usable = reports.filter((r) => r.available);
  const agree = usable.filter((r) => r.error === undefined && r.measurements.every((m) => m.pass));
  rows.push({ metric: 'backends agreeing with float64', value: `${agree.length} of ${usable.length} available`, pass: agree.length === usable.length && usable.length > 0 });
  return rows;
}

function resultsTable(reports: readonly BackendReport[]): string {
  const rows: string[] = [];
  for (const r of reports) {
    if (!r.available || r.error !== undefined) {
      const status = r.available ? `<span class="fail">error</span>: ${escapeXml(r.error ?? '')}` : `unavailable: ${escapeXml(r.reason ?? '')}`;
      rows.push(`<tr><td>${r.name}</td><td colspan="6">${status}</td></tr>`);
      continue;
    }
    for (const m of r.measurements) {
      rows.push(
        `<tr><td>${r.name}</td><td class="num">${m.size}</td><td class="num">${formatNumber(m.maxAbsError)}</td>` +
          `<td class="num">${formatNumber(m.maxRelError)}</td><td class="${m.pass ? 'pass' : 'fail'}">${m.pass ? 'pass' : 'FAIL'}</td>` +
          `<td class="num">${formatNumber(Number(m.medianMs.toPrecision(4)))}</td><td class="num">${formatNumber(Number(m.gflops.toPrecision(4)))}</td></tr>`,
      );
    }
  }
  return (
    '<table><tr><th>Backend</th><th>n</th><th>max abs. error</th><th>max rel. error</th><th>Check</th><th>median ms</th><th>GFLOP/s</th></tr>' +
    `${rows.join('')}</table>`
  );
}

/**
 * The tiers of `nnlab backends`, with the durations measured on the reference machine (see
 * `REFERENCE_MACHINE` and the lab README). It has no paper: `--full` runs the default sizes.
 */
export const BACKENDS_TIERS: ExperimentTiers<{ sizes: number[]; repeats: number }> = {
  quick: { settings: { sizes: [64], repeats: 3 } },
  default: {
    settings: { sizes: [64, 128, 256], repeats: 5 },
    reproduces: 'Which backends run here, whether each matches a float64 matmul reference (n = 64, 128, 256) and its speed.',
    expectedSeconds: 5,
    basis: 'measured 2026-12-06: 1.0 CPU s (1.0 s wall at load 1.1), + 15%, rounded up to 5 s',
  },
  full: {
    settings: { sizes: [64, 128, 256], repeats: 5 },
    reproduces: 'The same as the default tier: this experiment checks the backends, not a paper.',
    expectedSeconds: 5,
    basis: 'measured 2026-12-06: 1.0 CPU s (1.0 s wall at load 1.1), + 15%, rounded up to 5 s',
  },
};

/** Creates the `backends` experiment with the given defaults (tests use smaller ones). */
export function createBackendsExperiment(settings: BackendsSettings = {}): Experiment {
  return {
    id: 'backends',
    title: 'Backends: availability, matmul accuracy and speed',
    description:
      'For every gpu.js backend: is it available here, does an n×n matmul of seeded random matrices agree with a float64 ' +
      `reference (max error ≤ ${formatNumber(MATMUL_TOLERANCE)} of the largest |value|), and how many GFLOP/s does it reach ` +
      '(median of timed runs after a warm-up, readback included).',
    options: {
      backends: { type: 'string', valueName: 'LIST', description: `backends to try (comma-separated; default ${LAB_BACKENDS.join(',')})`, parse: parseBackends },
      sizes: { type: 'string', valueName: 'LIST', description: `matrix sizes n (comma-separated; default ${BACKENDS_TIERS.default.settings.sizes.join(',')})`, parse: positiveIntList(2048) },
      repeats: { type: 'string', valueName: 'N', description: 'timed runs per size, after one warm-up (default 5)', parse: positiveInt(100) },
    },
    tiers: BACKENDS_TIERS,
    async run(ctx: ExperimentContext): Promise<ExperimentResult> {
      const { seed, values } = ctx.options;
      const tier = BACKENDS_TIERS[tierOf(ctx.options)].settings;
      const backends = (values.backends as BackendName[] | undefined) ?? settings.backends ?? LAB_BACKENDS;
      const sizes = (values.sizes as number[] | undefined) ?? settings.sizes ?? tier.sizes;
      const repeats = (values.repeats as number | undefined) ?? settings.repeats ?? tier.repeats;

      const reports: BackendReport[] = [];
      for (const name of backends) {
        let available = false;
        try {
          available = await isBackendAvailable(name);
        } catch {
          available = false;
        }
        reports.push(available ? { name, available, measurements: [] } : { name, available, reason: unavailableReason(name), measurements: [] });
      }
      const usable = reports.filter((r) => r.available);
      ctx.log(`backends: available ${usable.map((r) => r.name).join(', ') || 'none'}; unavailable ${reports.filter((r) => !r.available).map((r) => r.name).join(', ') || 'none'}`);

      const previous = getBackend();
      const bar = ctx.progress('backends matmul', usable.length * sizes.length * (1 + repeats));
      try {
        for (const r of usable) {
          const measured = await measureBackend(r.name, sizes, repeats, seed, () => bar.tick());
          Object.assign(r, measured);
          if (r.error !== undefined) ctx.log(`backends: ${r.name} failed: ${r.error}`);
        }
      } finally {
        bar.done();
        if (previous && previous !== getBackend()) await setBackend(previous).catch(() => undefined);
      }

      const measured = usable.filter((r) => r.error === undefined && r.measurements.length > 0);
      const chart = barChart({
        title: 'Matmul throughput (n×n, readback included)',
        categories: measured.map((r) => r.name),
        series: sizes.map((n) => ({ name: `n = ${n}`, values: measured.map((r) => r.measurements.find((m) => m.size === n)?.gflops ?? null) })),
        yLabel: 'GFLOP/s',
        format: (v) => formatNumber(Number(v.toPrecision(3))),
      });
      return {
        summary: summarize(reports),
        sections: [
          { title: 'Accuracy and speed per backend', html: resultsTable(reports) },
          { title: 'Throughput', html: measured.length ? chart : '<p>No backend could be measured.</p>' },
        ],
        data: { tolerance: MATMUL_TOLERANCE, seed, sizes, repeats, backends: reports },
      };
    },
  };
}

/** The `backends` experiment with its default settings. */
export const backendsExperiment: Experiment = createBackendsExperiment();
