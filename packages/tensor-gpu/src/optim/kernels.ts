import type { HostKernel, KernelSpec } from '../backend/kernel-spec';
import { adamParameterStep } from './adam-rule';

/*
 * Fused optimizer update kernels, one thread per parameter element. Parameters, gradients and
 * state are flat (only the element count is baked into a kernel), so one kernel per parameter
 * size serves every layer of that size. Every hyperparameter (learning rate, momentum, weight
 * decay, bias corrections, the first-step switch) is a scalar kernel argument: a training loop
 * compiles its update kernels on the first step and never again, whatever the schedule does.
 *
 * gpu.js kernels have one output, so an update that writes state takes one kernel per output:
 * SGD without momentum 1 kernel, SGD with momentum 2 (buffer, then parameter), Adam 3 (first
 * moment, second moment, then parameter). Bodies use statements, not `?:`, which not every
 * gpu.js backend transpiles. Each kernel also has the same arithmetic as a plain loop (`…Host`, the
 * `cpu` backend's JavaScript kernels) and in WebAssembly SIMD (assembly/optim.ts, the default
 * `cpu` kernels), both bit-identical to the gpu.js source and several times faster than gpu.js's
 * generated JavaScript.
 */

/** The fused update kernels, by primitive name: what `HostKernels.optimizerUpdate` runs. */
export type OptimizerKernelName = 'sgd' | 'sgdMomentum' | 'optimAverage' | 'optimSquaredAverage' | 'adam';

/**
 * Plain SGD step with weight decay folded in: `p − lr·(g + wd·p)`.
 * Arguments: `(p, g, lr, wd)`.
 */
export function sgdKernel(size: number): KernelSpec {
  return {
    name: 'sgd',
    source: `function (p, g, lr, wd) {
  const i = this.thread.x;
  const w = p[i];
  return w - lr * (g[i] + wd * w);
}`,
    outSize: size,
  };
}

/** Host loop of {@link sgdKernel}. */
export const sgdHost: HostKernel = ([p, g], out, [lr, wd]) => {
  for (let i = 0; i < out.length; i++) out[i] = p[i] - lr * (g[i] + wd * p[i]);
};

/**
 * A running average of the decayed gradient `d = g + wd·p` (or of `d²` when `squared`):
 * `decay·s + scale·d`. With `decay = 0` the state `s` is not read at all, which is how the first
 * step starts from an empty state (PyTorch's "buffer = gradient" for SGD momentum, zero moments for
 * Adam) without allocating zeros; the caller then passes any tensor of the right size as `s`.
 * Serves SGD's momentum buffer (`decay = μ`, `scale = 1 − dampening`) and Adam's moments
 * (`decay = β`, `scale = 1 − β`). Arguments: `(s, g, p, decay, scale, wd)`.
 */
export function movingAverageKernel(size: number, squared: boolean): KernelSpec {
  return {
    name: squared ? 'optimSquaredAverage' : 'optimAverage',
    source: `function (s, g, p, decay, scale, wd) {
  const i = this.thread.x;
  let d = g[i] + wd * p[i];
  ${squared ? 'd = d * d;' : ''}
  let v = scale * d;
  if (decay != 0) {
    v = decay * s[i] + v;
  }
  return v;
}`,
    outSize: size,
  };
}

function movingAverageHost(squared: boolean): HostKernel {
  return ([s, g, p], out, [decay, scale, wd]) => {
    for (let i = 0; i < out.length; i++) {
      let d = g[i] + wd * p[i];
      if (squared) d = d * d;
      out[i] = decay !== 0 ? decay * s[i] + scale * d : scale * d;
    }
  };
}

/** Host loop of {@link movingAverageKernel} (`optimAverage`). */
export const averageHost: HostKernel = movingAverageHost(false);

/** Host loop of {@link movingAverageKernel} with `squared` (`optimSquaredAverage`). */
export const squaredAverageHost: HostKernel = movingAverageHost(true);

/**
 * SGD-with-momentum parameter step from the already updated buffer `b`:
 * `p − lr·b`, or with Nesterov (`nesterov ≠ 0`) `p − lr·(g + wd·p + μ·b)`.
 * Arguments: `(p, g, b, lr, wd, mu, nesterov)`.
 */
export function momentumStepKernel(size: number): KernelSpec {
  return {
    name: 'sgdMomentum',
    source: `function (p, g, b, lr, wd, mu, nesterov) {
  const i = this.thread.x;
  const w = p[i];
  let d = b[i];
  if (nesterov != 0) {
    d = g[i] + wd * w + mu * b[i];
  }
  return w - lr * d;
}`,
    outSize: size,
  };
}

/** Host loop of {@link momentumStepKernel}. */
export const momentumStepHost: HostKernel = ([p, g, b], out, [lr, wd, mu, nesterov]) => {
  for (let i = 0; i < out.length; i++) out[i] = p[i] - lr * (nesterov !== 0 ? g[i] + wd * p[i] + mu * b[i] : b[i]);
};

/**
 * Adam parameter step from the updated moments `m` and `v`: the body of {@link adamParameterStep}
 * (gpu.js compiles a kernel from its own source text, so the formula is written out here),
 * `p − stepSize · m / (√v / √(1 − β₂ᵗ) + ε)` with `stepSize = lr / (1 − β₁ᵗ)`.
 * Arguments: `(p, m, v, stepSize, bc2Sqrt, eps)`.
 */
export function adamStepKernel(size: number): KernelSpec {
  return {
    name: 'adam',
    source: `function (p, m, v, stepSize, bc2Sqrt, eps) {
  const i = this.thread.x;
  return p[i] - stepSize * (m[i] / (Math.sqrt(v[i]) / bc2Sqrt + eps));
}`,
    outSize: size,
  };
}

/** Host loop of {@link adamStepKernel}: {@link adamParameterStep} per element. */
export const adamStepHost: HostKernel = ([p, m, v], out, [stepSize, bc2Sqrt, eps]) => {
  for (let i = 0; i < out.length; i++) out[i] = adamParameterStep(p[i], m[i], v[i], stepSize, bc2Sqrt, eps);
};

/** The host loop of each update kernel. */
export const OPTIMIZER_HOST_LOOPS: Readonly<Record<OptimizerKernelName, HostKernel>> = {
  sgd: sgdHost,
  sgdMomentum: momentumStepHost,
  optimAverage: averageHost,
  optimSquaredAverage: squaredAverageHost,
  adam: adamStepHost,
};
