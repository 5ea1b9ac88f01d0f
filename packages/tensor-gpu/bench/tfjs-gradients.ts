/**
 * Registers tfjs-core 4.22.0's gradient functions, so that `optimizer.minimize` and `tf.grads`
 * work with @tensorflow/tfjs-core alone, as when a user trains with the `@tensorflow/tfjs` bundle.
 * tfjs-core's CommonJS bundle leaves them out, and its ES module `register_all_gradients.js` does
 * not load in Node (imports without file extensions), so it is bundled here with esbuild into a
 * temporary CommonJS file. The registries and the engine are process-wide in tfjs (on the global
 * object), so the gradients registered by the bundled copy serve the `tf` the benchmark imports.
 *
 * @module
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Registers every tfjs-core gradient in this process (once). */
export async function registerTfjsGradients(): Promise<void> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-gradients-'));
  const file = join(dir, 'register-all-gradients.cjs');
  try {
    await build({ entryPoints: [entry], bundle: true, format: 'cjs', platform: 'node', outfile: file, logLevel: 'error' });
    require(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
