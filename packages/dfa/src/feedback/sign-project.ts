import * as t from '@nnlab/tensor-gpu';
import { planSignProducts, signProductsByTables, type SignPlan } from './sign-tables';

const KERNEL_NAME = 'dfaSignProject';

/** The host path of the kernel: shared subset sums, fewer additions than one sum per output. */
const signProjectHost: t.HostKernel<SignPlan> = ([e], out, _, plan) => signProductsByTables(plan, e, out);

/**
 * The device kernel of a ±1 product `[n, C] → [n, rows]`, one output per thread: each class's
 * error is added or subtracted according to the stored sign (1 = plus, 0 = minus). No operand is
 * multiplied; the index arithmetic is addressing only. On the `cpu` backend the registered host
 * body {@link signProductsByTables} runs instead.
 */
function signProjectKernel(n: number, rows: number, classes: number, plan: SignPlan): t.KernelSpec<SignPlan> {
  const lines = [
    'const o = this.thread.x;',
    `const i = Math.floor((o + 0.5) / ${rows});`,
    `const j = o - i * ${rows};`,
    `const eBase = i * ${classes};`,
    `const sBase = j * ${classes};`,
    'let acc = 0;',
    `for (let k = 0; k < ${classes}; k++) {`,
    '  if (s[sBase + k] > 0.5) {',
    '    acc = acc + e[eBase + k];',
    '  } else {',
    '    acc = acc - e[eBase + k];',
    '  }',
    '}',
    'return acc;',
  ];
  return {
    name: KERNEL_NAME,
    source: `function (e, s) {\n  ${lines.join('\n  ')}\n}`,
    outSize: n * rows,
    loopMax: classes,
    params: plan,
  };
}

/** A fixed sign matrix on the device with its host plan, for {@link signProject}. */
export interface SignMatrix {
  /** S as 1 (plus) / 0 (minus), `[rows, C]` on the device. */
  readonly signs: t.Tensor;
  /** The table plan of the host path. */
  readonly plan: SignPlan;
}

/**
 * Uploads a sign matrix (`positive[j·C + k]` true where S[j, k] = +1), plans its host products and
 * registers the host path of the kernel for the `cpu` backend (registering it again is a no-op).
 */
export function makeSignMatrix(positive: ArrayLike<boolean | number>, rows: number, classes: number): SignMatrix {
  t.registerKernel(KERNEL_NAME, 'cpu', signProjectHost);
  const bits = Float32Array.from({ length: rows * classes }, (_, i) => (positive[i] ? 1 : 0));
  return { signs: t.keep(t.tensor(bits, [rows, classes])), plan: planSignProducts(bits, rows, classes) };
}

/**
 * `e · Sᵀ` for a ±1 matrix S, without multiplications: `e` `[n, C]` → `[n, rows]`. Not
 * differentiable (it is only used inside backward rules).
 *
 * @throws Error when `e` is not `[n, C]` with S's C.
 */
export function signProject(e: t.Tensor, matrix: SignMatrix): t.Tensor {
  const { rows, classes } = matrix.plan;
  if (!(e instanceof t.Tensor) || e.rank !== 2 || e.shape[1] !== classes) {
    throw new Error(`signProject: e must be a [batch, ${classes}] tensor, got ${e instanceof t.Tensor ? `[${e.shape.join(', ')}]` : typeof e}`);
  }
  const n = e.shape[0];
  return t.runKernel(signProjectKernel(n, rows, classes, matrix.plan), [e, matrix.signs], [n, rows]);
}
