import type { KernelSpec } from '../backend/device';
import { hostConv2d, hostConv2dInputGrad, hostConv2dWeightGrad } from './host-conv';

/** Geometry of a 2-D convolution in NCHW with `[outC, inC/groups, kH, kW]` weights. */
export interface ConvGeometry {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number;
  oh: number; ow: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  groups: number;
}

const fn = (args: string, lines: string[]) => `function (${args}) {\n  ${lines.join('\n  ')}\n}`;

/** Splits the flat thread index into four NCHW-style coordinates named by `names`. */
function unravel4(names: [string, string, string, string], dims: [number, number, number, number]): string[] {
  const [, d1, d2, d3] = dims;
  return [
    'let r = this.thread.x;',
    `const ${names[0]} = Math.floor((r + 0.5) / ${d1 * d2 * d3});`,
    `r = r - ${names[0]} * ${d1 * d2 * d3};`,
    `const ${names[1]} = Math.floor((r + 0.5) / ${d2 * d3});`,
    `r = r - ${names[1]} * ${d2 * d3};`,
    `const ${names[2]} = Math.floor((r + 0.5) / ${d3});`,
    `const ${names[3]} = r - ${names[2]} * ${d3};`,
  ];
}

/** Forward convolution: one thread per output value, looping over its receptive field. */
export function conv2dKernel(g: ConvGeometry): KernelSpec {
  const cg = g.c / g.groups;
  const og = g.o / g.groups;
  const lines = [
    ...unravel4(['b', 'oc', 'y', 'x'], [g.n, g.o, g.oh, g.ow]),
    `const c0 = Math.floor((oc + 0.5) / ${og}) * ${cg};`,
    'let acc = 0;',
    `for (let ci = 0; ci < ${cg}; ci++) {`,
    `  for (let ky = 0; ky < ${g.kh}; ky++) {`,
    `    const iy = y * ${g.sh} - ${g.ph} + ky * ${g.dh};`,
    `    if (iy >= 0 && iy < ${g.h}) {`,
    `      for (let kx = 0; kx < ${g.kw}; kx++) {`,
    `        const ix = x * ${g.sw} - ${g.pw} + kx * ${g.dw};`,
    `        if (ix >= 0 && ix < ${g.w}) {`,
    `          acc = acc + a[((b * ${g.c} + c0 + ci) * ${g.h} + iy) * ${g.w} + ix] * k[((oc * ${cg} + ci) * ${g.kh} + ky) * ${g.kw} + kx];`,
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ];
  return {
    name: 'conv2d', source: fn('a, k', lines), outSize: g.n * g.o * g.oh * g.ow, loopMax: Math.max(cg, g.kh, g.kw),
    host: ([x, w], out) => hostConv2d(g, x, w, out),
  };
}

/** Gradient of the input: each input value gathers the output gradients it contributed to. */
export function conv2dInputGradKernel(g: ConvGeometry): KernelSpec {
  const cg = g.c / g.groups;
  const og = g.o / g.groups;
  const lines = [
    ...unravel4(['b', 'c', 'iy', 'ix'], [g.n, g.c, g.h, g.w]),
    `const grp = Math.floor((c + 0.5) / ${cg});`,
    `const ci = c - grp * ${cg};`,
    'let acc = 0;',
    `for (let j = 0; j < ${og}; j++) {`,
    `  const oc = grp * ${og} + j;`,
    `  for (let ky = 0; ky < ${g.kh}; ky++) {`,
    `    const ty = iy + ${g.ph} - ky * ${g.dh};`,
    `    const y = Math.floor((ty + 0.5) / ${g.sh});`,
    `    if (ty >= 0 && y * ${g.sh} == ty && y < ${g.oh}) {`,
    `      for (let kx = 0; kx < ${g.kw}; kx++) {`,
    `        const tx = ix + ${g.pw} - kx * ${g.dw};`,
    `        const x = Math.floor((tx + 0.5) / ${g.sw});`,
    `        if (tx >= 0 && x * ${g.sw} == tx && x < ${g.ow}) {`,
    `          acc = acc + d[((b * ${g.o} + oc) * ${g.oh} + y) * ${g.ow} + x] * k[((oc * ${cg} + ci) * ${g.kh} + ky) * ${g.kw} + kx];`,
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ];
  return {
    name: 'conv2dInputGrad', source: fn('d, k', lines), outSize: g.n * g.c * g.h * g.w, loopMax: Math.max(og, g.kh, g.kw),
    host: ([dy, w], out) => hostConv2dInputGrad(g, dy, w, out),
  };
}

/** Gradient of the weights: each weight sums input × output-gradient over batch and positions. */
export function conv2dWeightGradKernel(g: ConvGeometry): KernelSpec {
  const cg = g.c / g.groups;
  const og = g.o / g.groups;
  const lines = [
    ...unravel4(['oc', 'ci', 'ky', 'kx'], [g.o, cg, g.kh, g.kw]),
    `const c = Math.floor((oc + 0.5) / ${og}) * ${cg} + ci;`,
    'let acc = 0;',
    `for (let b = 0; b < ${g.n}; b++) {`,
    `  for (let y = 0; y < ${g.oh}; y++) {`,
    `    const iy = y * ${g.sh} - ${g.ph} + ky * ${g.dh};`,
    `    if (iy >= 0 && iy < ${g.h}) {`,
    `      for (let x = 0; x < ${g.ow}; x++) {`,
    `        const ix = x * ${g.sw} - ${g.pw} + kx * ${g.dw};`,
    `        if (ix >= 0 && ix < ${g.w}) {`,
    `          acc = acc + d[((b * ${g.o} + oc) * ${g.oh} + y) * ${g.ow} + x] * a[((b * ${g.c} + c) * ${g.h} + iy) * ${g.w} + ix];`,
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ];
  return {
    name: 'conv2dWeightGrad', source: fn('d, a', lines), outSize: g.o * cg * g.kh * g.kw, loopMax: Math.max(g.n, g.oh, g.ow),
    host: ([dy, x], out) => hostConv2dWeightGrad(g, dy, x, out),
  };
}
