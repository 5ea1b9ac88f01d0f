import { conv2dInputGradKernel, conv2dKernel, conv2dWeightGradKernel, type ConvGeometry } from '../kernels/conv';
import { avgPoolGradKernel, avgPoolKernel, maxPoolGradKernel, maxPoolKernel, type PoolGeometry } from '../kernels/pool';
import type { KernelSpec } from '../backend/kernel-spec';
import type { DType } from '../dtype';
import { withFloat16Accumulation } from '../kernels/fp16';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { checkTensor, resultDtype, runKernel } from './run';

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

/** Accumulator precision of matmul and convolution on float16 operands. */
export type Accumulation = 'float32' | 'float16';

/** The kernel as requested by `accumulate` for an output of `dtype`. */
export function accumulating(spec: KernelSpec, dtype: DType, accumulate: Accumulation | undefined, op: string): KernelSpec {
  if (accumulate === undefined || accumulate === 'float32') return spec;
  if (accumulate !== 'float16') throw new Error(`${op}: accumulate must be 'float32' or 'float16', got ${JSON.stringify(accumulate)}`);
  if (dtype !== 'float16') throw new Error(`${op}: accumulate 'float16' needs float16 operands`);
  return withFloat16Accumulation(spec);
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

/** 2-D convolution (cross-correlation, as in PyTorch): x `[N, C, H, W]`, w `[O, C/groups, kH, kW]`. */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  checkTensor(x, 'conv2d', 'x');
  checkTensor(w, 'conv2d', 'w');
  if (x.rank !== 4 || w.rank !== 4) throw new Error(`conv2d: x must be [N, C, H, W] and w [O, C/groups, kH, kW], got ${fmt(x.shape)} and ${fmt(w.shape)}`);
  const groups = options.groups ?? 1;
  const [n, c, h, wd] = x.shape;
  const [o, cg, kh, kw] = w.shape;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || o % groups !== 0 || cg !== c / groups) {
    throw new Error(`conv2d: groups ${groups} does not fit x ${fmt(x.shape)} and w ${fmt(w.shape)} (need C and O divisible by groups and w.shape[1] = C/groups)`);
  }
  const g = convGeometry({ n, c, h, w: wd, o, kh, kw, groups }, options, 'conv2d');
  return convolve(x, w, g, [n, o, g.oh, g.ow], options.accumulate, 'conv2d');
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
 * Runs the convolution of geometry `g` (any layout; see {@link ConvGeometry}) on x and w and
 * records its gradient rule. `shape` is the output's shape.
 */
export function convolve(x: Tensor, w: Tensor, g: ConvGeometry, shape: number[], accumulate: Accumulation | undefined, op: string): Tensor {
  const dtype = resultDtype(x, w);
  const out = runKernel(x.engine, accumulating(conv2dKernel(g), dtype, accumulate, op), [x, w], shape, dtype);
  x.engine.record(out, [x, w], (dy, needed) => [
    needed[0] ? runKernel(x.engine, conv2dInputGradKernel(g), [dy, w], x.shape, resultDtype(dy, w)) : null,
    needed[1] ? runKernel(x.engine, conv2dWeightGradKernel(g), [dy, x], w.shape, resultDtype(dy, x)) : null,
  ]);
  return out;
}

function poolGeometry(x: Tensor, options: Pool2dOptions, op: string): PoolGeometry {
  checkTensor(x, op);
  if (x.rank !== 4) throw new Error(`${op}: x must be [N, C, H, W], got ${fmt(x.shape)}`);
  if (!options || options.kernel === undefined) throw new Error(`${op}: options.kernel is required`);
  const [kh, kw] = pair(options.kernel, 1, op, 'kernel', 1);
  const stride = options.stride === undefined ? ([kh, kw] as [number, number]) : pair(options.stride, 1, op, 'stride', 1);
  const [ph, pw] = pair(options.padding, 0, op, 'padding', 0);
  if (ph * 2 > kh || pw * 2 > kw) throw new Error(`${op}: padding ${ph}x${pw} must be at most half the window ${kh}x${kw}`);
  const [n, c, h, w] = x.shape;
  const oh = Math.floor((h + 2 * ph - kh) / stride[0]) + 1;
  const ow = Math.floor((w + 2 * pw - kw) / stride[1]) + 1;
  if (oh < 1 || ow < 1) throw new Error(`${op}: window ${kh}x${kw} does not fit input ${h}x${w}`);
  return { n, c, h, w, oh, ow, kh, kw, sh: stride[0], sw: stride[1], ph, pw };
}

/** Max pooling over NCHW windows; the gradient goes to the first maximum of each window. */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = poolGeometry(x, options, 'maxPool2d');
  const out = runKernel(x.engine, maxPoolKernel(g), [x], [g.n, g.c, g.oh, g.ow], x.dtype);
  x.engine.record(out, [x], (dy) => [runKernel(x.engine, maxPoolGradKernel(g), [x, dy], x.shape, dy.dtype)]);
  return out;
}

/** Average pooling over NCHW windows (padding counts in the divisor, as PyTorch's default). */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = poolGeometry(x, options, 'avgPool2d');
  const out = runKernel(x.engine, avgPoolKernel(g), [x], [g.n, g.c, g.oh, g.ow], x.dtype);
  x.engine.record(out, [x], (dy) => [runKernel(x.engine, avgPoolGradKernel(g), [dy], x.shape, dy.dtype)]);
  return out;
}
