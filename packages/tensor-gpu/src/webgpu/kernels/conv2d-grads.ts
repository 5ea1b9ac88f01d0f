import { convStrides, type ConvGeometry } from '../../kernels/conv';
import type { WgslKernel, WgslProgram } from '../wgsl-kernel';
import { MIN_GEMM_CHANNELS } from './conv2d';
import { gemmWorkgroups, tiledGemmCode, type GemmParts } from './tiled-gemm';

/** The geometry uniform shared by both gradients; `m`, `n`, `p` are each product's own sizes. */
const FIELDS = ['m', 'n', 'p', 'h', 'w', 'oh', 'ow', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'og', 'inImage', 'inGroup', 'outImage', 'outGroup'] as const;
type Fields = Record<(typeof FIELDS)[number], number>;

function uniforms(g: ConvGeometry, m: number, n: number, p: number): ArrayBuffer {
  const s = convStrides(g);
  const values: Fields = {
    m, n, p, h: g.h, w: g.w, oh: g.oh, ow: g.ow, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, ph: g.ph, pw: g.pw, dh: g.dh, dw: g.dw,
    og: s.og, inImage: s.inImage, inGroup: s.inGroup, outImage: s.outImage, outGroup: s.outGroup,
  };
  return new Uint32Array(FIELDS.map((f) => values[f])).buffer;
}

/**
 * Input gradient as an implicit GEMM (the transposed convolution), one product per group (z;
 * a single one for a shared input, which gathers from every group): rows are the group's input
 * channels, columns (image, y, x) of the input, the inner dimension (output channel, ky, kx).
 * A is the weights; B gathers dY at the output position each tap came from, zero where the tap
 * fell between strides or outside the output. A shared input's inner dimension runs over all
 * output channels (the z index is then 0, so `batch * og + jj` is the channel in both cases).
 */
const INPUT_GRAD_PARTS: GemmParts = {
  fields: FIELDS.map((f) => `${f} : u32,`),
  globals: '',
  prologue: '',
  // The spec's arguments are (dy, weights): binding `a` is dY, `b` the weights.
  elementA: `
  let taps = P.kh * P.kw;
  let jj = k / taps;
  return b[((batch * P.og + jj) * P.m + r) * taps + (k - jj * taps)];`,
  elementB: `
  let plane = P.h * P.w;
  let img = c / plane;
  let pix = c - img * plane;
  let iy = pix / P.w;
  let ix = pix - iy * P.w;
  let taps = P.kh * P.kw;
  let jj = k / taps;
  let t = k - jj * taps;
  let ky = t / P.kw;
  let kx = t - ky * P.kw;
  let ty = i32(iy + P.ph) - i32(ky * P.dh);
  let tx = i32(ix + P.pw) - i32(kx * P.dw);
  if (ty < 0 || tx < 0) { return 0.0; }
  let y = u32(ty) / P.sh;
  let x = u32(tx) / P.sw;
  if (y * P.sh != u32(ty) || x * P.sw != u32(tx) || y >= P.oh || x >= P.ow) { return 0.0; }
  let oc = batch * P.og + jj;
  let dg = oc / P.og;
  return a[img * P.outImage + dg * P.outGroup + (oc - dg * P.og) * P.oh * P.ow + y * P.ow + x];`,
  outIndex: '(c / (P.h * P.w)) * P.inImage + batch * P.inGroup + r * P.h * P.w + c % (P.h * P.w)',
  aAlongK: true,
  bAlongK: false,
};

/**
 * Weight gradient as an implicit GEMM, one product per group (z): rows are the group's output
 * channels, columns the weight's (input channel, ky, kx), and the inner dimension — the sum over
 * batch × output positions — is (image, y, x). A is dY; B gathers the input under each tap
 * (im2col transposed, never materialised), zero in the padding.
 */
const WEIGHT_GRAD_PARTS: GemmParts = {
  fields: FIELDS.map((f) => `${f} : u32,`),
  globals: '',
  prologue: '',
  // The spec's arguments are (dy, input): binding `a` is dY, `b` the input.
  elementA: `
  let outPlane = P.oh * P.ow;
  let img = k / outPlane;
  return a[img * P.outImage + batch * P.outGroup + r * outPlane + (k - img * outPlane)];`,
  elementB: `
  let outPlane = P.oh * P.ow;
  let img = k / outPlane;
  let pos = k - img * outPlane;
  let y = pos / P.ow;
  let x = pos - y * P.ow;
  let taps = P.kh * P.kw;
  let ci = c / taps;
  let t = c - ci * taps;
  let ky = t / P.kw;
  let kx = t - ky * P.kw;
  let iy = i32(y * P.sh + ky * P.dh) - i32(P.ph);
  let ix = i32(x * P.sw + kx * P.dw) - i32(P.pw);
  if (iy < 0 || ix < 0 || iy >= i32(P.h) || ix >= i32(P.w)) { return 0.0; }
  return b[img * P.inImage + batch * P.inGroup + (ci * P.h + u32(iy)) * P.w + u32(ix)];`,
  outIndex: '(batch * P.m + r) * P.p + c',
  aAlongK: true,
  bAlongK: true,
};

/**
 * The implicit-GEMM input gradient for float32 outputs with at least {@link MIN_GEMM_CHANNELS}
 * input channels per group (the rows of its tiles); otherwise null, and the portable kernel runs.
 */
export const conv2dInputGradWgsl: WgslKernel<ConvGeometry> = (spec, _scalars, precision): WgslProgram | null => {
  const g = spec.params;
  if (!g || precision !== 'float32') return null;
  const s = convStrides(g);
  if (s.cg < MIN_GEMM_CHANNELS) return null;
  const channels = g.sharedInput ? g.o : s.og;
  const [m, n, p] = [s.cg, channels * g.kh * g.kw, g.n * g.h * g.w];
  return {
    key: 'conv2dInputGrad|implicit-gemm',
    code: () => tiledGemmCode(INPUT_GRAD_PARTS, precision),
    workgroups: gemmWorkgroups(m, p, g.sharedInput ? 1 : g.groups),
    uniforms: uniforms(g, m, n, p),
  };
};

/**
 * The implicit-GEMM weight gradient for float32 outputs with at least {@link MIN_GEMM_CHANNELS}
 * output channels per group (the rows of its tiles); otherwise null, and the portable kernel runs.
 */
export const conv2dWeightGradWgsl: WgslKernel<ConvGeometry> = (spec, _scalars, precision): WgslProgram | null => {
  const g = spec.params;
  if (!g || precision !== 'float32') return null;
  const s = convStrides(g);
  if (s.og < MIN_GEMM_CHANNELS) return null;
  const [m, n, p] = [s.og, g.n * g.oh * g.ow, s.cg * g.kh * g.kw];
  return {
    key: 'conv2dWeightGrad|implicit-gemm',
    code: () => tiledGemmCode(WEIGHT_GRAD_PARTS, precision),
    workgroups: gemmWorkgroups(m, p, g.groups),
    uniforms: uniforms(g, m, n, p),
  };
};
