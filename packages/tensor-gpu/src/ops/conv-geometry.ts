import type { ConvGeometry } from '../kernels/conv';
import type { PoolGeometry } from '../kernels/pool';
import type { Accumulation } from '../fp16/accumulation';
import { fmt, type Shape } from '../shape';

/** A size given once for both spatial axes or as `[height, width]`. */
export type Pair = number | readonly [number, number];

/** Options of `conv2d`. */
export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zeros added on each side (default 0). */
  padding?: Pair;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Channel groups: input and output channels are split into this many independent convolutions (default 1). */
  groups?: number;
  /**
   * For float16 operands: accumulate in float32 and round once (default, as tensor cores do) or
   * round to binary16 after every addition (`'float16'`).
   */
  accumulate?: Accumulation;
}

/** Options of the pooling ops. */
export interface Pool2dOptions {
  /** Window size. */
  kernel: Pair;
  /** Step between windows (default: the window size). */
  stride?: Pair;
  /** Padding on each side (default 0); padded positions never win a max and count in an average. */
  padding?: Pair;
}

function pair(v: Pair | undefined, fallback: number, op: string, name: string, min: number): [number, number] {
  const p: [number, number] = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.some((x) => !Number.isInteger(x) || x < min)) throw new Error(`${op}: ${name} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}`);
  return p;
}

/**
 * The geometry of a convolution of the given sizes (channels of all groups counted together)
 * under `options`' stride, padding and dilation, in `layout` (see {@link ConvGeometry}); throws
 * naming `op` when they are invalid.
 */
export function convGeometry(
  sizes: Pick<ConvGeometry, 'n' | 'c' | 'h' | 'w' | 'o' | 'kh' | 'kw' | 'groups'>,
  options: Omit<Conv2dOptions, 'groups' | 'accumulate'>,
  op: string,
  layout: { layout: 'nchw' | 'packed'; sharedInput: boolean } = { layout: 'nchw', sharedInput: false },
): ConvGeometry {
  const [sh, sw] = pair(options.stride, 1, op, 'stride', 1);
  const [ph, pw] = pair(options.padding, 0, op, 'padding', 0);
  const [dh, dw] = pair(options.dilation, 1, op, 'dilation', 1);
  const { n, c, h, w, o, kh, kw, groups } = sizes;
  const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  if (oh < 1 || ow < 1) throw new Error(`${op}: kernel ${kh}x${kw} (dilation ${dh}x${dw}) does not fit input ${h}x${w} with padding ${ph}x${pw}`);
  // A literal with every field, not a spread: the host kernels read these fields in hot loops,
  // and V8 reads them markedly slower from a spread object.
  return { n, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, groups, layout: layout.layout, sharedInput: layout.sharedInput };
}

/**
 * The geometry of `conv2d` on an input of shape `xShape` `[N, C, H, W]` with weights of shape
 * `wShape` `[O, C/groups, kH, kW]`; throws naming `op` when the shapes and options do not fit.
 */
export function conv2dGeometry(xShape: Shape, wShape: Shape, options: Conv2dOptions, op: string): ConvGeometry {
  if (xShape.length !== 4 || wShape.length !== 4) throw new Error(`${op}: x must be [N, C, H, W] and w [O, C/groups, kH, kW], got ${fmt(xShape)} and ${fmt(wShape)}`);
  const groups = options.groups ?? 1;
  const [n, c, h, wd] = xShape;
  const [o, cg, kh, kw] = wShape;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || o % groups !== 0 || cg !== c / groups) {
    throw new Error(`${op}: groups ${groups} does not fit x ${fmt(xShape)} and w ${fmt(wShape)} (need C and O divisible by groups and w.shape[1] = C/groups)`);
  }
  return convGeometry({ n, c, h, w: wd, o, kh, kw, groups }, options, op);
}

/** The geometry of pooling an input of `shape` `[N, C, H, W]`; throws naming `op` when the options do not fit. */
export function poolGeometry(shape: Shape, options: Pool2dOptions, op: string, what = 'x'): PoolGeometry {
  if (shape.length !== 4) throw new Error(`${op}: ${what} must be [N, C, H, W], got ${fmt(shape)}`);
  if (!options || options.kernel === undefined) throw new Error(`${op}: options.kernel is required`);
  const [kh, kw] = pair(options.kernel, 1, op, 'kernel', 1);
  const stride = options.stride === undefined ? ([kh, kw] as [number, number]) : pair(options.stride, 1, op, 'stride', 1);
  const [ph, pw] = pair(options.padding, 0, op, 'padding', 0);
  if (ph * 2 > kh || pw * 2 > kw) throw new Error(`${op}: padding ${ph}x${pw} must be at most half the window ${kh}x${kw}`);
  const [n, c, h, w] = shape;
  const oh = Math.floor((h + 2 * ph - kh) / stride[0]) + 1;
  const ow = Math.floor((w + 2 * pw - kw) / stride[1]) + 1;
  if (oh < 1 || ow < 1) throw new Error(`${op}: window ${kh}x${kw} does not fit input ${h}x${w}`);
  return { n, c, h, w, oh, ow, kh, kw, sh: stride[0], sw: stride[1], ph, pw };
}

