import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built packages (turbo builds them before this task), loaded the way a user's process would:
// each script runs in a fresh Node process, so every run starts without a shared engine.
const here = fileURLToPath(new URL('..', import.meta.url));
const tensorGpuDir = dirname(realpathSync(join(here, 'node_modules/@nnlab/tensor-gpu/package.json')));
const ENGINE_KEY = "Symbol.for('@nnlab/tensor-gpu:engine')";
/** The engine protocol of this build, read from its source so the test follows every bump. */
const PROTOCOL = Number(/export const ENGINE_PROTOCOL = (\d+);/.exec(readFileSync(join(tensorGpuDir, 'src/shared-engine.ts'), 'utf8'))?.[1]);

/** Runs an ES module script in a new Node process from this package's folder; returns its last stdout line as JSON. */
function runModule(source: string): { status: number | null; output: string; result?: any } {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: here, encoding: 'utf8', maxBuffer: 16 << 20 });
  const output = `${child.stdout}${child.stderr}`;
  const last = child.stdout.trim().split('\n').pop() ?? '';
  return { status: child.status, output, result: child.status === 0 ? JSON.parse(last) : undefined };
}

const preamble = `
import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(join(here, 'package.json'))});
const esm = await import('@nnlab/tensor-gpu');
const cjs = require('@nnlab/tensor-gpu');
`;

describe('the ES module and CommonJS builds of @nnlab/tensor-gpu in one process', () => {
  it('are two copies of the code with one engine: tensors, gradients, memory and kernels pass between them', () => {
    const { status, output, result } = runModule(`${preamble}
await esm.setBackend('cpu', { cpuKernels: 'js' });
const record = globalThis[${ENGINE_KEY}];
const a = esm.tensor([1, 2]);
const b = cjs.tensor([3, 4]);
const sum = cjs.add(a, b);
const { value, grads } = esm.valueAndGrad((x) => cjs.sum(cjs.mul(x, x)))(cjs.tensor([1, 2, 3]));
const before = esm.memory().numTensors;
esm.tidy(() => { cjs.mul(a, 2); esm.neg(b); });
const memory = [before, esm.memory().numTensors, cjs.memory().numTensors];
cjs.registerKernel('probeDouble', 'cpu', (inputs, out) => out.set(inputs[0].map((v) => 2 * v)));
const doubled = esm.runKernel({ name: 'probeDouble', source: 'function (a) { return 0; }', outSize: 2 }, [a], [2]);
const model = new cjs.nn.Sequential(new esm.nn.Linear(2, 1, { seed: 1 }), new cjs.nn.ReLU());
const y = model.forward(esm.tensor([[1, 1]]));
const loss = require('@nnlab/compressibility').compressibilityLoss(model);
console.log(JSON.stringify({
  sameClasses: esm.Tensor === cjs.Tensor,
  sameEngine: esm.defaultEngine === cjs.defaultEngine && record.engine === esm.defaultEngine,
  record: { protocol: record.protocol, version: record.version },
  backendSeenByCjs: cjs.getBackend(),
  sum: Array.from(await sum.data()),
  crossInstanceof: [a instanceof cjs.Tensor, b instanceof esm.Tensor, model instanceof esm.nn.Module, model.parameters()[0] instanceof cjs.nn.Parameter],
  value: await value.array(),
  grads: Array.from(await grads[0].data()),
  memory,
  kernels: esm.defaultEngine.kernels.entries().filter((e) => e.name === 'probeDouble'),
  doubled: Array.from(await doubled.data()),
  forwardShape: y.shape,
  lossIsTensor: loss instanceof esm.Tensor && Number.isFinite((await loss.data())[0]),
}));`);
    expect(status, output).toBe(0);
    expect(result.sameClasses).toBe(false); // really two copies of the code
    expect(result.sameEngine).toBe(true);
    expect(Number.isInteger(PROTOCOL)).toBe(true);
    expect(result.record).toEqual({ protocol: PROTOCOL, version: '0.0.0' });
    expect(result.backendSeenByCjs).toBe('cpu');
    expect(result.sum).toEqual([4, 6]);
    expect(result.crossInstanceof).toEqual([true, true, true, true]);
    expect(result.value).toBe(14);
    expect(result.grads).toEqual([2, 4, 6]);
    expect(result.memory[1]).toBe(result.memory[0]); // tidy in one copy freed what the other made
    expect(result.memory[2]).toBe(result.memory[1]);
    expect(result.kernels).toEqual([{ name: 'probeDouble', backend: 'cpu' }]);
    expect(result.doubled).toEqual([2, 4]);
    expect(result.forwardShape).toEqual([1, 1]);
    expect(result.lossIsTensor).toBe(true);
  });

  it('share with another installed copy of the same engine protocol', () => {
    // A second copy of the package in another node_modules, as a different technique package's
    // dependency would install it (gpu.js linked so that the copy resolves it).
    const project = mkdtempSync(join(tmpdir(), 'nnlab-engine-copy-'));
    try {
      const copy = join(project, 'node_modules/@nnlab/tensor-gpu');
      mkdirSync(copy, { recursive: true });
      cpSync(join(tensorGpuDir, 'dist'), join(copy, 'dist'), { recursive: true });
      cpSync(join(tensorGpuDir, 'package.json'), join(copy, 'package.json'));
      const gpuJs = dirname(createRequire(join(tensorGpuDir, 'package.json')).resolve('gpu.js/package.json'));
      symlinkSync(gpuJs, join(project, 'node_modules/gpu.js'), 'dir');
      const { status, output, result } = runModule(`${preamble}
const other = await import(${JSON.stringify(join(copy, 'dist/index.js'))});
const x = other.tensor([1, 2, 3]);
console.log(JSON.stringify({
  distinct: other.Tensor !== esm.Tensor,
  sameEngine: other.defaultEngine === esm.defaultEngine,
  product: Array.from(await esm.mul(x, cjs.tensor([2, 2, 2])).data()),
}));`);
      expect(status, output).toBe(0);
      expect(result).toEqual({ distinct: true, sameEngine: true, product: [2, 4, 6] });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('refuse an engine of another protocol, in ES modules and CommonJS, with the versions and the fix', () => {
    const stale = `globalThis[${ENGINE_KEY}] = { protocol: 0, version: '0.0.0-old', engine: {} };`;
    for (const load of ["await import('@nnlab/tensor-gpu');", `createRequire(${JSON.stringify(join(here, 'package.json'))})('@nnlab/tensor-gpu');`]) {
      const { status, output } = runModule(`import { createRequire } from 'node:module';\n${stale}\n${load}\nconsole.log('{}');`);
      expect(status, output).not.toBe(0);
      expect(output).toContain(
        `@nnlab/tensor-gpu 0.0.0 (engine protocol ${PROTOCOL}) cannot share the engine of @nnlab/tensor-gpu 0.0.0-old (engine protocol 0), which is already loaded in this process`,
      );
      expect(output).toContain('Install a single version (`npm ls @nnlab/tensor-gpu` lists the copies');
    }
  });
});

