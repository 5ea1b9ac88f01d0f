import type { HostKernel } from '../backend/kernel-spec';
import { ELEMENTWISE_BODIES, type ElementwiseParams } from './elementwise';
import { collapseAxes } from './indexing';

type Loop = (inputs: readonly Float32Array[], out: Float32Array, scalars: readonly number[], params: ElementwiseParams) => void;

const VALUE_NAMES = ['x', 'y', 'z'] as const;

/**
 * The loop of one elementwise primitive for one pattern of operands, generated from the same body
 * text as the gpu.js kernel (ELEMENTWISE_BODIES), so both compute the same JavaScript expression in
 * float64 and store it as float32: the results are bit-identical. One function per (op, pattern)
 * keeps every loop monomorphic, which a shared loop calling the op through a function cannot be.
 * A broadcast walks the output row by row (its last axis), each operand at its own stride.
 */
function generateLoop(op: ElementwiseParams['op'], kinds: string, sameShape: boolean): Loop {
  const decl: string[] = [];
  const strideDecl: string[] = [];
  const baseDecl: string[] = [];
  const baseStep: string[] = [];
  const reads: string[] = [];
  let tensorIndex = 0;
  let scalarIndex = 0;
  [...kinds].forEach((kind, k) => {
    const v = VALUE_NAMES[k];
    if (kind === 's') {
      decl.push(`const s${k} = scalars[${scalarIndex++}];`);
      reads.push(`const ${v} = s${k};`);
      return;
    }
    decl.push(`const a${k} = inputs[${tensorIndex++}];`);
    if (sameShape) {
      reads.push(`const ${v} = a${k}[i];`);
      return;
    }
    strideDecl.push(`const st${k} = params.operands[${k}]; const inner${k} = rank === 0 ? 0 : st${k}[rank - 1];`);
    baseDecl.push(`let b${k} = 0;`);
    baseStep.push(`b${k} += q * st${k}[d];`);
    reads.push(`const ${v} = a${k}[b${k} + j * inner${k}];`);
  });
  const body = `let v = 0; ${ELEMENTWISE_BODIES[op]}`;
  const lines = sameShape
    ? [...decl, 'const n = out.length;', 'for (let i = 0; i < n; i++) {', ...reads, body, 'out[i] = v;', '}']
    : [
        ...decl,
        'const shape = params.outShape; const rank = shape.length;',
        'const inner = rank === 0 ? 1 : shape[rank - 1];',
        ...strideDecl,
        'const rows = inner === 0 ? 0 : out.length / inner;',
        'for (let r = 0; r < rows; r++) {',
        'let rest = r;',
        ...baseDecl,
        'for (let d = rank - 2; d >= 0; d--) {',
        'const q = rest % shape[d]; rest = (rest - q) / shape[d];',
        ...baseStep,
        '}',
        'const o = r * inner;',
        'for (let j = 0; j < inner; j++) {',
        ...reads,
        body,
        'out[o + j] = v;',
        '}',
        '}',
      ];
  // Bodies are fixed text from ELEMENTWISE_BODIES (no user input reaches this constructor).
  return new Function('inputs', 'out', 'scalars', 'params', lines.join('\n')) as Loop;
}

/**
 * The `cpu` backend's elementwise primitives as host loops. Loops are generated on first use per
 * (op, operand pattern) and kept by this object, which one engine's registry owns.
 */
export class HostElementwise {
  private readonly loops = new Map<string, Loop>();

  /** The host kernel for every elementwise primitive: dispatches on `params.op` and the operand pattern. */
  readonly run: HostKernel<ElementwiseParams> = (inputs, out, scalars, params) => {
    if (!params || !(params.op in ELEMENTWISE_BODIES)) {
      throw new Error(`elementwise (cpu host): params must name an elementwise primitive, got ${JSON.stringify(params?.op)}`);
    }
    const walk = params.sameShape ? params : collapsedWalk(params);
    const kinds = walk.operands.map((o) => (o === 'scalar' ? 's' : 't')).join('');
    const key = `${walk.op}|${kinds}|${walk.sameShape ? 'same' : 'broadcast'}`;
    let loop = this.loops.get(key);
    if (!loop) {
      loop = generateLoop(walk.op, kinds, walk.sameShape);
      this.loops.set(key, loop);
    }
    loop(inputs, out, scalars, walk);
  };
}

/**
 * A broadcast over as few axes as possible (see `collapseAxes`), so the inner loop runs over long
 * rows; one that collapses to a single contiguous axis for every tensor operand is a same-shape walk.
 */
export function collapsedWalk(params: ElementwiseParams): ElementwiseParams {
  const tensors = params.operands.filter((o): o is readonly number[] => o !== 'scalar');
  const { shape, strides } = collapseAxes(params.outShape, tensors);
  let k = 0;
  const operands = params.operands.map((o) => (o === 'scalar' ? o : strides[k++]));
  const sameShape = shape.length <= 1 && strides.every((s) => shape.length === 0 || s[0] === 1);
  return { op: params.op, outShape: shape, operands, sameShape };
}
