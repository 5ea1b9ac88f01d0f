import { convStrides, type ConvGeometry } from '../../kernels/conv';
import type { WgslKernel, WgslProgram } from '../wgsl-kernel';
import { gemmWorkgroups, tiledGemmCode, type GemmParts } from './tiled-gemm';

const FIELDS = ['m', 'n', 'p', 'h', 'w', 'oh', 'ow', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'inImage', 'inGroup', 'outImage', 'outGroup', 'pad0'] as const;

/**
 * conv2d forward as an implicit GEMM, one product per group (the z axis): rows are the group's
 * output channels, the inner dimension its (input channel, ky, kx) taps, in the order of the
 * weights `[O, C/G, kH, kW]` and of the portable kernel's loop; columns are (image, y, x). B is
 * gathered from the input on the fly, zero outside the padding, so no im2col buffer is made.
 */
const CONV_PARTS: GemmParts = {
  fields: FIELDS.map((f) => `${f} : u32,`),
  globals: '',
  prologue: '',
  // The spec's arguments are (input, weights): binding `a` is the input, `b` the weights.
  elementA: 'return b[(batch * P.m + r) * P.n + k];',
  elementB: `
  let plane = P.oh * P.ow;
  let img = c / plane;
  let pix = c - img * plane;
  let y = pix / P.ow;
  let x = pix - y * P.ow;
  let taps = P.kh * P.kw;
  let ci = k / taps;
  let t = k - ci * taps;
  let ky = t / P.kw;
  let kx = t - ky * P.kw;
  let iy = i32(y * P.sh + ky * P.dh) - i32(P.ph);
  let ix = i32(x * P.sw + kx * P.dw) - i32(P.pw);
  if (iy < 0 || ix < 0 || iy >= i32(P.h) || ix >= i32(P.w)) { return 0.0; }
  return a[img * P.inImage + batch * P.inGroup + (ci * P.h + u32(iy)) * P.w + u32(ix)];`,
  outIndex: '(c / (P.oh * P.ow)) * P.outImage + batch * P.outGroup + r * P.oh * P.ow + c % (P.oh * P.ow)',
  aAlongK: true,
  bAlongK: false,
};

/**
 * Below this many output channels per group most of a 64-row tile would idle (LeNet-5's 6 and 16
 * channels ran 1.4–11× slower than the one-output-per-thread kernel on SwiftShader): the portable
 * kernel runs instead.
 */
export const MIN_GEMM_CHANNELS = 32;

/**
 * The implicit-GEMM conv2d on webgpu for float32 outputs, in both layouts (NCHW, and packed models
 * with or without a shared input). float16 outputs keep the portable kernel, whose rounding the
 * float16 tests pin bit for bit.
 */
export const conv2dWgsl: WgslKernel<ConvGeometry> = (spec, _scalars, precision): WgslProgram | null => {
  const g = spec.params;
  if (!g || precision !== 'float32') return null;
  const s = convStrides(g);
  if (s.og < MIN_GEMM_CHANNELS) return null;
  const values: Record<(typeof FIELDS)[number], number> = {
    m: s.og, n: s.cg * g.kh * g.kw, p: g.n * g.oh * g.ow, h: g.h, w: g.w, oh: g.oh, ow: g.ow, kh: g.kh, kw: g.kw,
    sh: g.sh, sw: g.sw, ph: g.ph, pw: g.pw, dh: g.dh, dw: g.dw,
    inImage: s.inImage, inGroup: s.inGroup, outImage: s.outImage, outGroup: s.outGroup, pad0: 0,
  };
  return {
    key: 'conv2d|implicit-gemm',
    code: () => tiledGemmCode(CONV_PARTS, precision),
    workgroups: gemmWorkgroups(values.m, values.p, g.groups),
    uniforms: new Uint32Array(FIELDS.map((f) => values[f])).buffer,
  };
};
