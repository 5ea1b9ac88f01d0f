import type { KernelSpec } from '../backend/kernel-spec';

/**
 * Geometry of a grouped 2-D convolution with `[outC, inC/groups, kH, kW]` weights, where `c` and
 * `o` count the channels of all groups together.
 *
 * Memory layout (`layout`): `'nchw'` (default) keeps the groups inside the channel axis:
 * x `[N, C, H, W]`, y `[N, O, oH, oW]`. `'packed'` puts the group axis first, as packed models do:
 * x `[G, N, C/G, H, W]` — or, with `sharedInput`, one `[N, C/G, H, W]` read by every group —
 * and y `[G, N, O/G, oH, oW]`. The kernels address both through the strides of `convStrides`,
 * so packed convolutions need no transposes or copies of a shared input.
 */
export interface ConvGeometry {
  /** Images in the batch. */
  n: number;
  /** Input channels, all groups together. */
  c: number;
  /** Input height. */
  h: number;
  /** Input width. */
  w: number;
  /** Output channels, all groups together. */
  o: number;
  /** Kernel height. */
  kh: number;
  /** Kernel width. */
  kw: number;
  /** Output height. */
  oh: number;
  /** Output width. */
  ow: number;
  /** Vertical stride. */
  sh: number;
  /** Horizontal stride. */
  sw: number;
  /** Zero padding above and below. */
  ph: number;
  /** Zero padding left and right. */
  pw: number;
  /** Vertical dilation. */
  dh: number;
  /** Horizontal dilation. */
  dw: number;
  /** Channel groups (packed models in the packed layout). */
  groups: number;
  /** Memory layout of x and y (default `'nchw'`). */
  layout?: 'nchw' | 'packed';
  /** Packed layout only: one input read by every group. */
  sharedInput?: boolean;
}

/** Element offsets of (image b, group 0) and of one image / one group step, in x and in y. */
export interface ConvStrides {
  /** Input channels and output channels per group. */
  cg: number; og: number;
  /** Step in x from image b to b+1 and from group g to g+1 (0 for a shared input). */
  inImage: number; inGroup: number;
  /** Step in y from image b to b+1 and from group g to g+1. */
  outImage: number; outGroup: number;
}

/** The strides of `g`'s layout; see {@link ConvGeometry}. */
export function convStrides(g: ConvGeometry): ConvStrides {
  const cg = g.c / g.groups;
  const og = g.o / g.groups;
  const plane = g.h * g.w;
  const outPlane = g.oh * g.ow;
  if (g.layout === 'packed') {
    return { cg, og, inImage: cg * plane, inGroup: g.sharedInput ? 0 : g.n * cg * plane, outImage: og * outPlane, outGroup: g.n * og * outPlane };
  }
  if (g.sharedInput) throw new Error('conv2d: a shared input needs the packed layout');
  return { cg, og, inImage: g.c * plane, inGroup: cg * plane, outImage: g.o * outPlane, outGroup: og * outPlane };
}

const fn = (args: string, lines: string[]) => `function (${args}) {\n  ${lines.join('\n  ')}\n}`;

/** Splits the flat thread index into four coordinates named by `names` (row-major over `dims`). */
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

/** Lines that split the leading coordinate `gb` of the packed layout into group `grp` and image `b`. */
const splitGroupImage = (n: number) => [`const grp = Math.floor((gb + 0.5) / ${n});`, `const b = gb - grp * ${n};`];

/** Forward convolution: one thread per output value, looping over its receptive field. */
export function conv2dKernel(g: ConvGeometry): KernelSpec<ConvGeometry> {
  const s = convStrides(g);
  const coordinates = g.layout === 'packed'
    ? [...unravel4(['gb', 'j', 'y', 'x'], [g.groups * g.n, s.og, g.oh, g.ow]), ...splitGroupImage(g.n)]
    : [...unravel4(['b', 'oc', 'y', 'x'], [g.n, g.o, g.oh, g.ow]), `const grp = Math.floor((oc + 0.5) / ${s.og});`, `const j = oc - grp * ${s.og};`];
  const lines = [
    ...coordinates,
    `const base = b * ${s.inImage} + grp * ${s.inGroup};`,
    `const w0 = (grp * ${s.og} + j) * ${s.cg * g.kh * g.kw};`,
    'let acc = 0;',
    `for (let ci = 0; ci < ${s.cg}; ci++) {`,
    `  for (let ky = 0; ky < ${g.kh}; ky++) {`,
    `    const iy = y * ${g.sh} - ${g.ph} + ky * ${g.dh};`,
    `    if (iy >= 0 && iy < ${g.h}) {`,
    `      for (let kx = 0; kx < ${g.kw}; kx++) {`,
    `        const ix = x * ${g.sw} - ${g.pw} + kx * ${g.dw};`,
    `        if (ix >= 0 && ix < ${g.w}) {`,
    `          acc = acc + a[base + (ci * ${g.h} + iy) * ${g.w} + ix] * k[w0 + (ci * ${g.kh} + ky) * ${g.kw} + kx];`,
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ];
  return {
    name: 'conv2d', source: fn('a, k', lines), outSize: g.n * g.o * g.oh * g.ow, loopMax: Math.max(s.cg, g.kh, g.kw),
    params: g,
  };
}

/**
 * Gradient of the input: each input value gathers the output gradients it contributed to; a
 * shared input gathers them from every group.
 */
export function conv2dInputGradKernel(g: ConvGeometry): KernelSpec<ConvGeometry> {
  const s = convStrides(g);
  const coordinates = g.sharedInput
    ? unravel4(['b', 'ci', 'iy', 'ix'], [g.n, s.cg, g.h, g.w])
    : g.layout === 'packed'
      ? [...unravel4(['gb', 'ci', 'iy', 'ix'], [g.groups * g.n, s.cg, g.h, g.w]), ...splitGroupImage(g.n)]
      : [...unravel4(['b', 'c', 'iy', 'ix'], [g.n, g.c, g.h, g.w]), `const grp = Math.floor((c + 0.5) / ${s.cg});`, `const ci = c - grp * ${s.cg};`];
  // A shared input loops over the output channels of all groups, the others over their group's.
  const channels = g.sharedInput ? g.o : s.og;
  const channelLines = g.sharedInput
    ? ['  const oc = jj;', `  const dg = Math.floor((oc + 0.5) / ${s.og});`]
    : [`  const oc = grp * ${s.og} + jj;`, '  const dg = grp;'];
  const lines = [
    ...coordinates,
    'let acc = 0;',
    `for (let jj = 0; jj < ${channels}; jj++) {`,
    ...channelLines,
    `  const dBase = b * ${s.outImage} + dg * ${s.outGroup} + (oc - dg * ${s.og}) * ${g.oh * g.ow};`,
    `  const w0 = (oc * ${s.cg} + ci) * ${g.kh * g.kw};`,
    `  for (let ky = 0; ky < ${g.kh}; ky++) {`,
    `    const ty = iy + ${g.ph} - ky * ${g.dh};`,
    `    const y = Math.floor((ty + 0.5) / ${g.sh});`,
    `    if (ty >= 0 && y * ${g.sh} == ty && y < ${g.oh}) {`,
    `      for (let kx = 0; kx < ${g.kw}; kx++) {`,
    `        const tx = ix + ${g.pw} - kx * ${g.dw};`,
    `        const x = Math.floor((tx + 0.5) / ${g.sw});`,
    `        if (tx >= 0 && x * ${g.sw} == tx && x < ${g.ow}) {`,
    `          acc = acc + d[dBase + y * ${g.ow} + x] * k[w0 + ky * ${g.kw} + kx];`,
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ];
  const inputSize = g.n * (g.sharedInput ? s.cg : g.c) * g.h * g.w;
  return {
    name: 'conv2dInputGrad', source: fn('d, k', lines), outSize: inputSize, loopMax: Math.max(channels, g.kh, g.kw),
    params: g,
  };
}

/** Gradient of the weights: each weight sums input × output-gradient over batch and positions. */
export function conv2dWeightGradKernel(g: ConvGeometry): KernelSpec<ConvGeometry> {
  const s = convStrides(g);
  const lines = [
    ...unravel4(['oc', 'ci', 'ky', 'kx'], [g.o, s.cg, g.kh, g.kw]),
    `const grp = Math.floor((oc + 0.5) / ${s.og});`,
    `const d0 = grp * ${s.outGroup} + (oc - grp * ${s.og}) * ${g.oh * g.ow};`,
    `const a0 = grp * ${s.inGroup} + ci * ${g.h * g.w};`,
    'let acc = 0;',
    `for (let b = 0; b < ${g.n}; b++) {`,
    `  for (let y = 0; y < ${g.oh}; y++) {`,
    `    const iy = y * ${g.sh} - ${g.ph} + ky * ${g.dh};`,
    `    if (iy >= 0 && iy < ${g.h}) {`,
    `      for (let x = 0; x < ${g.ow}; x++) {`,
    `        const ix = x * ${g.sw} - ${g.pw} + kx * ${g.dw};`,
    `        if (ix >= 0 && ix < ${g.w}) {`,
    `          acc = acc + d[d0 + b * ${s.outImage} + y * ${g.ow} + x] * a[a0 + b * ${s.inImage} + iy * ${g.w} + ix];`,
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ];
  return {
    name: 'conv2dWeightGrad', source: fn('d, a', lines), outSize: g.o * s.cg * g.kh * g.kw, loopMax: Math.max(g.n, g.oh, g.ow),
    params: g,
  };
}
