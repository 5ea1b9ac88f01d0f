import { build, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs } from '../../../scripts/vitest-package.ts';

// What a browser user does: bundle a package's main entry with esbuild for the browser and load it.
// Every published package's main entry must bundle without Node built-ins and run in Chromium;
// typical imports must stay within a size budget, so that tree-shaking keeps working.

const here = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(here, '../..');

/** The published packages (every non-private package under packages/). */
const packageNames: string[] = readdirSync(join(repoRoot, 'packages'))
  .map((dir) => JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')))
  .filter((manifest) => !manifest.private)
  .map((manifest) => manifest.name)
  .sort();

/**
 * Minified sizes of typical imports, in bytes. Measured: about 816,600 and 854,600, of which gpu.js's
 * prebuilt browser bundle (not tree-shakeable) is 639,600 and the engine's own backends (the cpu
 * backend's WebAssembly kernels, embedded twice, for shared and private memory, about 78,000 as
 * base64 since the inlined float64 exp/log of the transcendental and softmax kernels; the WebGPU
 * backend's WGSL kernels) most of the rest; the budgets leave about 5% headroom.
 */
const budgets = [
  { name: "import { tensor } from '@nnlab/tensor-gpu'", source: "import { tensor } from '@nnlab/tensor-gpu';\nconsole.log(tensor([1]));", maxBytes: 855_000 },
  { name: "import { OnlineLca } from '@nnlab/lca'", source: "import { OnlineLca } from '@nnlab/lca';\nconsole.log(OnlineLca);", maxBytes: 890_000 },
];

interface Bundle {
  code: string;
  bytes: number;
  /** Bytes by origin: gpu.js, the @nnlab packages, everything else. */
  parts: { gpuJs: number; nnlab: number; other: number };
}

/** Bundles `source` as an application would for the browser (esbuild, ES module, minified). */
async function bundle(source: string): Promise<Bundle> {
  const result = await build({
    stdin: { contents: source, resolveDir: here, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const parts = { gpuJs: 0, nnlab: 0, other: 0 };
  const [output] = Object.values((result.metafile as Metafile).outputs);
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (/node_modules\/gpu\.js\//.test(path)) parts.gpuJs += bytesInOutput;
    else if (/(^|\/)packages\//.test(path)) parts.nnlab += bytesInOutput;
    else parts.other += bytesInOutput;
  }
  const code = result.outputFiles[0].text;
  return { code, bytes: Buffer.byteLength(code), parts };
}

/** Runs in the page: imports every bundle, computes with tensor-gpu, and mixes two bundled copies of it. */
const pageScript = `async (names) => {
  const modules = {};
  for (const name of names) modules[name] = await import('/' + encodeURIComponent(name));
  const t = modules['@nnlab/tensor-gpu'];
  await t.setBackend('cpu');
  const product = t.matmul(t.tensor([1, 2, 3, 4], [2, 2]), t.tensor([5, 6, 7, 8], [2, 2]));
  // The compressibility bundle has its own copy of tensor-gpu: it must accept this copy's tensor.
  const loss = modules['@nnlab/compressibility'].compressibilityLoss([t.tensor([[1, -2], [3, 4]])]);
  const record = globalThis[Symbol.for('@nnlab/tensor-gpu:engine')];
  return {
    names: Object.fromEntries(names.map((name) => [name, Object.keys(modules[name]).sort()])),
    backend: t.getBackend(),
    product: Array.from(await product.data()),
    lossIsTensor: loss instanceof t.Tensor,
    loss: (await loss.data())[0],
    oneEngine: record !== undefined && record.engine === t.defaultEngine,
  };
}`;

/** Each package's export names as plain Node sees them (a separate process: vitest's own loader adds `default`). */
function exportNamesInNode(): Record<string, string[]> {
  const source = `const names = {};
for (const name of ${JSON.stringify(packageNames)}) names[name] = Object.keys(await import(name)).sort();
console.log(JSON.stringify(names));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: here, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (child.status !== 0) throw new Error(`importing the packages in Node failed:\n${child.stdout}${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

describe('browser bundles of the published packages', () => {
  const entries = new Map<string, Bundle>();
  const failures: string[] = [];
  let browser: Browser;

  beforeAll(async () => {
    for (const name of packageNames) {
      try {
        const entry = await bundle(`export * from '${name}';`);
        entries.set(name, entry);
        console.log(`${name}: whole main entry ${kb(entry.bytes)} (gpu.js ${kb(entry.parts.gpuJs)}, @nnlab ${kb(entry.parts.nnlab)}, other ${kb(entry.parts.other)})`);
      } catch (error) {
        const messages = (error as { errors?: { text: string; location?: { file: string } }[] }).errors ?? [];
        failures.push(`${name}: ${messages.map((m) => `${m.text} (${m.location?.file ?? '?'})`).join('; ') || String(error)}`);
      }
    }
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('bundle each main entry for the browser with no Node built-in', () => {
    expect(failures, 'main entries must not reach Node-only modules; move such code behind the /node entry').toEqual([]);
  });

  it('load in Chromium with the exports Node sees, and share one engine across the bundled copies', async () => {
    expect(entries.size).toBe(packageNames.length);
    const page = await browser.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.route('http://bundles.test/**', (route) => {
        const name = decodeURIComponent(new URL(route.request().url()).pathname.slice(1));
        const entry = entries.get(name);
        return entry
          ? route.fulfill({ status: 200, contentType: 'text/javascript', body: entry.code })
          : route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>bundles</title>' });
      });
      await page.goto('http://bundles.test/');
      // A string, not a function: vitest would rewrite the function's import() for Node.
      const loaded: any = await page.evaluate(`(${pageScript})(${JSON.stringify(packageNames)})`);
      expect(errors).toEqual([]);
      const nodeNames = exportNamesInNode();
      for (const name of packageNames) expect(loaded.names[name], name).toEqual(nodeNames[name]);
      expect(loaded.backend).toBe('cpu');
      expect(loaded.product).toEqual([19, 22, 43, 50]);
      expect(loaded.lossIsTensor).toBe(true);
      expect(Number.isFinite(loaded.loss) && loaded.loss > 0).toBe(true);
      expect(loaded.oneEngine).toBe(true);
    } finally {
      await page.close();
    }
  });

  it("run tensor-gpu's WebAssembly products on Web Workers from the bundle alone in a cross-origin isolated page", async () => {
    const page = await browser.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      // https: isolation needs a secure origin; the two headers make the page cross-origin isolated.
      const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
      await page.route('https://isolated.test/**', (route) => {
        const path = new URL(route.request().url()).pathname;
        return path === '/tensor-gpu.js'
          ? route.fulfill({ status: 200, contentType: 'text/javascript', headers, body: entries.get('@nnlab/tensor-gpu')!.code })
          : route.fulfill({ status: 200, contentType: 'text/html', headers, body: '<!doctype html><title>isolated</title>' });
      });
      await page.goto('https://isolated.test/');
      const result: any = await page.evaluate(`(async () => {
        const t = await import('/tensor-gpu.js');
        const product = async (threads) => {
          await t.setBackend('cpu', { threads });
          const a = t.randn([300, 200], { seed: 1 }), b = t.randn([200, 260], { seed: 2 });
          const y = t.matmul(a, b);
          const values = Array.from(await y.data());
          for (const x of [a, b, y]) x.dispose();
          return { threads: t.getCpuThreads(), values };
        };
        const one = await product(1);
        const two = await product(2);
        return { isolated: crossOriginIsolated, one: one.threads, two: two.threads, same: one.values.every((v, i) => Object.is(v, two.values[i])) };
      })()`);
      expect(errors).toEqual([]);
      expect(result).toEqual({ isolated: true, one: 1, two: 2, same: true });
    } finally {
      await page.close();
    }
  });

  it.each(budgets)('keep $name within its size budget', async ({ name, source, maxBytes }) => {
    const { bytes, parts } = await bundle(source);
    console.log(`${name}: ${kb(bytes)} minified (gpu.js ${kb(parts.gpuJs)}, @nnlab ${kb(parts.nnlab)}, other ${kb(parts.other)}); budget ${kb(maxBytes)}`);
    expect(bytes, `${name} bundles to ${bytes} bytes, over its budget of ${maxBytes}: something stopped tree-shaking (top-level work at import, a side effect, an import that pulls a whole module)`).toBeLessThanOrEqual(maxBytes);
  });
});
