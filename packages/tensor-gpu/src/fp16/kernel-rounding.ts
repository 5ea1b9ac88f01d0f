import type { KernelSpec } from '../backend/kernel-spec';
import { FLOAT16_MIN_NORMAL, FLOAT16_OVERFLOW_LIMIT } from './limits';

/** Name of the scalar kernel argument that carries +Infinity into float16 kernels. */
export const INF_ARG = 'inf16';

/**
 * Statements that round the float variable `h` to the nearest IEEE binary16 value in place: ties
 * to even, subnormals down to 2^-24, |h| ≥ 65520 to ±Infinity, NaN and signed zeros untouched.
 * Only exact float operations are used: comparisons against powers of two, division and
 * multiplication by a power of two, floor. No log2/exp2 (inexact in shaders) and no bit
 * tricks (not available in GLSL ES 1). Infinity arrives as a kernel argument because shader
 * compilers may fold an overflowing constant to the largest finite float.
 */
export function roundToFloat16Lines(h: string): string[] {
  return [
    `let m16 = Math.abs(${h});`,
    `if (m16 >= ${FLOAT16_OVERFLOW_LIMIT}) {`,
    `  if (${h} > 0) { ${h} = ${INF_ARG}; } else { ${h} = -${INF_ARG}; }`,
    '} else {',
    '  if (m16 > 0) {',
    `    let p16 = ${FLOAT16_MIN_NORMAL};`,
    '    for (let k16 = 0; k16 < 30; k16++) { if (m16 >= p16 * 2) { p16 = p16 * 2; } }',
    '    const u16 = p16 / 1024;',
    '    const q16 = m16 / u16;',
    '    let r16 = Math.floor(q16);',
    '    const d16 = q16 - r16;',
    '    if (d16 > 0.5) { r16 = r16 + 1; }',
    '    if (d16 == 0.5) { if (r16 - 2 * Math.floor(r16 / 2) == 1) { r16 = r16 + 1; } }',
    `    if (${h} < 0) { ${h} = -(r16 * u16); } else { ${h} = r16 * u16; }`,
    '  }',
    // A float32 denormal compares equal to 0 on GPUs that flush denormals, yet a plain copy
    // keeps its bits; an arithmetic op flushes it to a signed zero, as binary16 rounding would.
    `  if (m16 == 0) { ${h} = ${h} * 0.5; }`,
    '}',
  ];
}

function addInfArgument(source: string): string {
  if (new RegExp(`^function \\([^)]*\\b${INF_ARG}\\b`).test(source)) return source;
  return source.replace(/^function \(([^)]*)\)/, (_, args: string) => `function (${args ? `${args}, ` : ''}${INF_ARG})`);
}

/**
 * The same kernel with its result rounded to binary16: every `return E;` becomes a rounded
 * return, and the kernel takes one more scalar argument, +Infinity (pass it last).
 */
export function withFloat16Output(spec: KernelSpec): KernelSpec {
  const body = addInfArgument(spec.source).replace(/return ([^;]+);/g, (_, expr: string) =>
    ['{', `let h16 = ${expr};`, ...roundToFloat16Lines('h16'), 'return h16;', '}'].join('\n'),
  );
  return { ...spec, name: `${spec.name}:float16`, source: body };
}

/**
 * The same kernel rounding its accumulator `acc` to binary16 after every addition (for matmul
 * and convolution in pure-fp16 studies; products of two binary16 values are exact in float32).
 */
export function withFloat16Accumulation(spec: KernelSpec): KernelSpec {
  const source = spec.source.replace(/^(\s*)(acc = acc \+ .+;)$/gm, (_, indent: string, stmt: string) =>
    [stmt, ...roundToFloat16Lines('acc')].map((l) => `${indent}${l}`).join('\n'),
  );
  return { ...spec, name: `${spec.name}:f16acc`, source: addInfArgument(source) };
}
