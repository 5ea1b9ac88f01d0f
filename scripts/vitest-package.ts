// Shared vitest setup for every package: a `node` project for all tests and a `browser`
// project (headless Debian chromium via playwright) for the backend-matrix tests.
// Naming: `*.test.ts` runs in Node only; `*.backends.test.ts` runs in Node and in Chromium;
// `*.browser.test.ts` runs in Chromium only; `*.isolated.test.ts` runs in Chromium in a
// cross-origin isolated page (project `browser-isolated`: SharedArrayBuffer, Web Workers sharing
// WebAssembly memory).
import { configDefaults, defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

// vitest 5 formats failures with Map.groupBy, which Node 20 lacks; without this a failing test
// crashes the reporter instead of being reported.
if (typeof (Map as any).groupBy !== 'function') {
  (Map as any).groupBy = <K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> => {
    const groups = new Map<K, V[]>();
    let i = 0;
    for (const item of items) {
      const k = key(item, i++);
      const list = groups.get(k);
      if (list) list.push(item);
      else groups.set(k, [item]);
    }
    return groups;
  };
}

const tensorGpuSource = (entry: string) => fileURLToPath(new URL(`../packages/tensor-gpu/src/${entry}.ts`, import.meta.url));

/** Chromium flags: a closed network, root user, and WebGL2/WebGPU on SwiftShader. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--use-angle=swiftshader',
  '--enable-features=Vulkan',
];

/**
 * WebGPU in Node without a GPU: Dawn (the `webgpu` package) on the SwiftShader Vulkan driver that
 * Debian's chromium ships. A driver chosen by the caller's environment wins.
 */
export function swiftShaderEnv(): Record<string, string> {
  const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';
  const env: Record<string, string> = {};
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(icd)) env.VK_ICD_FILENAMES = icd;
  if (!process.env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = '/tmp';
  return env;
}

/** Test files that only a browser project runs. */
const browserOnly = ['**/*.browser.test.ts', '**/*.isolated.test.ts'];

/**
 * The vitest config of a package. Its files run one at a time unless `workers` is 2 or more: the
 * test suite already runs two packages at once on a two-core machine. `isolate: false` runs the
 * files one after the other in the same worker process instead of a fresh process per file: for a
 * package whose files leave no state behind that another file reads (each sets the backend it
 * uses), it saves the start-up and the re-import of tensor-gpu's sources per file.
 */
export function packageVitestConfig(options: { browser?: boolean; testTimeout?: number; isolate?: boolean; workers?: number } = {}) {
  // Tests run against tensor-gpu's sources (no build needed); each entry point maps exactly.
  const alias = [
    { find: /^@nnlab\/tensor-gpu$/, replacement: tensorGpuSource('index') },
    { find: /^@nnlab\/tensor-gpu\/node$/, replacement: tensorGpuSource('node') },
  ];
  const testTimeout = options.testTimeout ?? 120_000;
  const projects: any[] = [
    {
      resolve: { alias },
      test: {
        name: 'node',
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        exclude: [...configDefaults.exclude, ...browserOnly],
        environment: 'node',
        env: swiftShaderEnv(),
        testTimeout,
        hookTimeout: testTimeout,
        isolate: options.isolate ?? true,
      },
    },
  ];
  if (options.browser) {
    // One object per project: vitest names each project's browser instance in place.
    const browser = () => ({
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
      }),
      instances: [{ browser: 'chromium' }],
    });
    projects.push({
      resolve: { alias },
      optimizeDeps: { include: ['gpu.js'] },
      test: { name: 'browser', include: ['src/**/*.backends.test.ts', 'src/**/*.browser.test.ts'], testTimeout, hookTimeout: testTimeout, browser: browser() },
    });
    projects.push({
      resolve: { alias },
      optimizeDeps: { include: ['gpu.js'] },
      // What a page needs for crossOriginIsolated (and so SharedArrayBuffer): these two headers on
      // every response of the test server, the tester page and its frames included.
      server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
      test: { name: 'browser-isolated', include: ['src/**/*.isolated.test.ts'], testTimeout, hookTimeout: testTimeout, browser: browser() },
    });
  }
  const workers = options.workers ?? 1;
  return defineConfig({ test: { projects, fileParallelism: workers > 1, maxWorkers: workers } });
}
