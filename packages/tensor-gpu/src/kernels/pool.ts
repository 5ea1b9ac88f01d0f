import type { KernelSpec } from '../backend/kernel-spec';

/** Geometry of 2-D pooling over NCHW. */
export interface PoolGeometry {
  /** Batch size. */
  n: number;
  /** Channels. */
  c: number;
  /** Input height. */
  h: number;
  /** Input width. */
  w: number;
  /** Output height. */
  oh: number;
  /** Output width. */
  ow: number;
  /** Window height. */
  kh: number;
  /** Window width. */
  kw: number;
  /** Vertical stride. */
  sh: number;
  /** Horizontal stride. */
  sw: number;
  /** Padding above and below. */
  ph: number;
  /** Padding left and right. */
  pw: number;
}

const fn = (args: string, lines: string[]) => `function (${args}) {\n  ${lines.join('\n  ')}\n}`;

function unravel(dims: [number, number, number], names: [string, string, string]): string[] {
  const [, d1, d2] = dims;
  return [
    'let r = this.thread.x;',
    `const ${names[0]} = Math.floor((r + 0.5) / ${d1 * d2});`,
    `r = r - ${names[0]} * ${d1 * d2};`,
    `const ${names[1]} = Math.floor((r + 0.5) / ${d2});`,
    `const ${names[2]} = r - ${names[1]} * ${d2};`,
  ];
}

/**
 * The window scan shared by max pooling forward and backward: leaves the first maximum of window
 * (y, x) of plane `plane` in `best`, its flat input index in `arg` (padding is never chosen).
 */
function windowScan(g: PoolGeometry): string[] {
  return [
    'let best = 0;',
    'let arg = -1;',
    `for (let ky = 0; ky < ${g.kh}; ky++) {`,
    `  const iy = y * ${g.sh} - ${g.ph} + ky;`,
    `  for (let kx = 0; kx < ${g.kw}; kx++) {`,
    `    const ix = x * ${g.sw} - ${g.pw} + kx;`,
    `    if (iy >= 0 && iy < ${g.h} && ix >= 0 && ix < ${g.w}) {`,
    `      const idx = (plane * ${g.h} + iy) * ${g.w} + ix;`,
    '      const v = a[idx];',
    '      if (arg < 0 || v > best) { best = v; arg = idx; }',
    '    }',
    '  }',
    '}',
  ];
}

/** Max pooling forward. */
export function maxPoolKernel(g: PoolGeometry): KernelSpec<PoolGeometry> {
  const lines = [...unravel([g.n * g.c, g.oh, g.ow], ['plane', 'y', 'x']), ...windowScan(g), 'return best;'];
  return { name: 'maxPool2d', source: fn('a', lines), outSize: g.n * g.c * g.oh * g.ow, loopMax: Math.max(g.kh, g.kw), params: g };
}

/** Max pooling backward: each input collects dy of the windows whose first maximum it is. */
export function maxPoolGradKernel(g: PoolGeometry): KernelSpec<PoolGeometry> {
  const scan = windowScan(g).map((l) => `      ${l}`);
  const lines = [
    ...unravel([g.n * g.c, g.h, g.w], ['plane', 'iy0', 'ix0']),
    `const self = (plane * ${g.h} + iy0) * ${g.w} + ix0;`,
    'let acc = 0;',
    `for (let wy = 0; wy < ${g.kh}; wy++) {`,
    `  const ty = iy0 + ${g.ph} - wy;`,
    `  const y = Math.floor((ty + 0.5) / ${g.sh});`,
    `  for (let wx = 0; wx < ${g.kw}; wx++) {`,
    `    const tx = ix0 + ${g.pw} - wx;`,
    `    const x = Math.floor((tx + 0.5) / ${g.sw});`,
    `    if (ty >= 0 && tx >= 0 && y * ${g.sh} == ty && x * ${g.sw} == tx && y < ${g.oh} && x < ${g.ow}) {`,
    ...scan,
    `      if (arg == self) { acc = acc + d[(plane * ${g.oh} + y) * ${g.ow} + x]; }`,
    '    }',
    '  }',
    '}',
    'return acc;',
  ];
  return { name: 'maxPool2dGrad', source: fn('a, d', lines), outSize: g.n * g.c * g.h * g.w, loopMax: Math.max(g.kh, g.kw), params: g };
}

/** Average pooling forward; the divisor is the full window (padding counts, as in PyTorch). */
export function avgPoolKernel(g: PoolGeometry): KernelSpec<PoolGeometry> {
  const lines = [
    ...unravel([g.n * g.c, g.oh, g.ow], ['plane', 'y', 'x']),
    'let acc = 0;',
    `for (let ky = 0; ky < ${g.kh}; ky++) {`,
    `  const iy = y * ${g.sh} - ${g.ph} + ky;`,
    `  for (let kx = 0; kx < ${g.kw}; kx++) {`,
    `    const ix = x * ${g.sw} - ${g.pw} + kx;`,
    `    if (iy >= 0 && iy < ${g.h} && ix >= 0 && ix < ${g.w}) { acc = acc + a[(plane * ${g.h} + iy) * ${g.w} + ix]; }`,
    '  }',
    '}',
    `return acc / ${g.kh * g.kw};`,
  ];
  return { name: 'avgPool2d', source: fn('a', lines), outSize: g.n * g.c * g.oh * g.ow, loopMax: Math.max(g.kh, g.kw), params: g };
}

/** Average pooling backward. */
export function avgPoolGradKernel(g: PoolGeometry): KernelSpec<PoolGeometry> {
  const lines = [
    ...unravel([g.n * g.c, g.h, g.w], ['plane', 'iy0', 'ix0']),
    'let acc = 0;',
    `for (let wy = 0; wy < ${g.kh}; wy++) {`,
    `  const ty = iy0 + ${g.ph} - wy;`,
    `  const y = Math.floor((ty + 0.5) / ${g.sh});`,
    `  for (let wx = 0; wx < ${g.kw}; wx++) {`,
    `    const tx = ix0 + ${g.pw} - wx;`,
    `    const x = Math.floor((tx + 0.5) / ${g.sw});`,
    `    if (ty >= 0 && tx >= 0 && y * ${g.sh} == ty && x * ${g.sw} == tx && y < ${g.oh} && x < ${g.ow}) {`,
    `      acc = acc + d[(plane * ${g.oh} + y) * ${g.ow} + x];`,
    '    }',
    '  }',
    '}',
    `return acc / ${g.kh * g.kw};`,
  ];
  return { name: 'avgPool2dGrad', source: fn('d', lines), outSize: g.n * g.c * g.h * g.w, loopMax: Math.max(g.kh, g.kw), params: g };
}
