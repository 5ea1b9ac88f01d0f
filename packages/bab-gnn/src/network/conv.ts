/**
 * 2-D convolution layers in float64, kept as convolutions. A layer stores its kernel and, built
 * once from the geometry, its taps: for every output neuron, the inputs it reads and the kernel
 * weight of each (O(outputs × kernel) numbers, never the dense `[out, in]` matrix). Every bound,
 * forward pass and backward pass walks these taps: gathered along them is the convolution,
 * scattered along them the transposed convolution. Values are flat `[C, H, W]` row-major, the
 * PyTorch flatten order, so a flatten layer is the identity here.
 */

/** The inputs and weights each output neuron of a convolution reads (compressed rows). */
export interface ConvTaps {
  /** Output neuron i reads taps `offsets[i] .. offsets[i + 1] − 1`; length outSize + 1. */
  readonly offsets: Int32Array;
  /** Flat input index of each tap. */
  readonly inputs: Int32Array;
  /** Kernel weight of each tap. */
  readonly weights: Float64Array;
}

/** A 2-D convolution (zero padding, groups 1, dilation 1) with a bias per output channel. */
export interface Conv2dLayer {
  /** Discriminates convolutions from dense layers. */
  readonly kind: 'conv2d';
  /** Inputs of the layer (C·H·W of `inShape`). */
  readonly inSize: number;
  /** Outputs of the layer (C·H·W of `outShape`). */
  readonly outSize: number;
  /** Input shape `[C, H, W]`. */
  readonly inShape: readonly [number, number, number];
  /** Output shape `[C, H, W]`. */
  readonly outShape: readonly [number, number, number];
  /** Kernel `[outC, inC, kH, kW]` (PyTorch layout). */
  readonly kernel: Float64Array;
  /** `[kH, kW]`. */
  readonly kernelSize: readonly [number, number];
  /** `[sH, sW]`. */
  readonly stride: readonly [number, number];
  /** Symmetric zero padding `[pH, pW]`. */
  readonly padding: readonly [number, number];
  /** Bias per output neuron `[outSize]` (the channel's bias at every position). */
  readonly bias: Float64Array;
  /** The taps of every output neuron. */
  readonly taps: ConvTaps;
}

/** What {@link createConv2dLayer} needs. */
export interface Conv2dSpec {
  /** Input shape `[C, H, W]`. */
  inShape: readonly [number, number, number];
  /** Kernel `[outC, inC, kH, kW]`, row-major. */
  kernel: ArrayLike<number>;
  /** Kernel shape `[outC, inC, kH, kW]`. */
  kernelShape: readonly [number, number, number, number];
  /** Bias per output channel `[outC]`. */
  bias: ArrayLike<number>;
  /** `[sH, sW]` (default `[1, 1]`). */
  stride?: readonly [number, number];
  /** `[pH, pW]` (default `[0, 0]`). */
  padding?: readonly [number, number];
}

const positiveInt = (v: number) => Number.isInteger(v) && v > 0;

/** Output size of one spatial axis, as PyTorch computes it. */
export function convOutputLength(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/** Builds a convolution layer, checking shapes and finiteness; throws a clear error otherwise. */
export function createConv2dLayer(spec: Conv2dSpec): Conv2dLayer {
  const [c, h, w] = spec.inShape;
  const [oc, ic, kh, kw] = spec.kernelShape;
  const [sh, sw] = spec.stride ?? [1, 1];
  const [ph, pw] = spec.padding ?? [0, 0];
  if (![c, h, w, oc, ic, kh, kw, sh, sw].every(positiveInt)) throw new Error('conv2d: shapes, kernel and stride must be positive integers');
  if (!(Number.isInteger(ph) && ph >= 0 && Number.isInteger(pw) && pw >= 0)) throw new Error('conv2d: padding must be integers ≥ 0');
  if (ic !== c) throw new Error(`conv2d: the kernel reads ${ic} channels, the input has ${c}`);
  if (spec.kernel.length !== oc * ic * kh * kw) throw new Error(`conv2d: kernel has ${spec.kernel.length} values, expected ${oc}×${ic}×${kh}×${kw}`);
  if (spec.bias.length !== oc) throw new Error(`conv2d: bias has ${spec.bias.length} values, expected ${oc}`);
  const oh = convOutputLength(h, kh, sh, ph);
  const ow = convOutputLength(w, kw, sw, pw);
  if (!(oh > 0 && ow > 0)) throw new Error(`conv2d: the kernel ${kh}×${kw} does not fit the padded input ${h}×${w}`);
  const kernel = Float64Array.from(spec.kernel);
  for (const v of kernel) if (!Number.isFinite(v)) throw new Error('conv2d: kernel contains a non-finite value');
  const bias = new Float64Array(oc * oh * ow);
  for (let o = 0; o < oc; o++) {
    if (!Number.isFinite(spec.bias[o])) throw new Error('conv2d: bias contains a non-finite value');
    bias.fill(spec.bias[o], o * oh * ow, (o + 1) * oh * ow);
  }
  const layer = { inShape: [c, h, w] as const, outShape: [oc, oh, ow] as const, kernel, kernelSize: [kh, kw] as const, stride: [sh, sw] as const, padding: [ph, pw] as const };
  return { kind: 'conv2d', inSize: c * h * w, outSize: oc * oh * ow, ...layer, bias, taps: buildTaps(layer) };
}

function buildTaps(l: Pick<Conv2dLayer, 'inShape' | 'outShape' | 'kernel' | 'kernelSize' | 'stride' | 'padding'>): ConvTaps {
  const [c, h, w] = l.inShape;
  const [oc, oh, ow] = l.outShape;
  const [kh, kw] = l.kernelSize;
  const [sh, sw] = l.stride;
  const [ph, pw] = l.padding;
  const outSize = oc * oh * ow;
  const offsets = new Int32Array(outSize + 1);
  const inputs: number[] = [];
  const weights: number[] = [];
  for (let o = 0; o < oc; o++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const i = (o * oh + y) * ow + x;
        offsets[i] = inputs.length;
        for (let ci = 0; ci < c; ci++) {
          for (let dy = 0; dy < kh; dy++) {
            const iy = y * sh - ph + dy;
            if (iy < 0 || iy >= h) continue;
            for (let dx = 0; dx < kw; dx++) {
              const ix = x * sw - pw + dx;
              if (ix < 0 || ix >= w) continue;
              inputs.push((ci * h + iy) * w + ix);
              weights.push(l.kernel[((o * c + ci) * kh + dy) * kw + dx]);
            }
          }
        }
      }
    }
  }
  offsets[outSize] = inputs.length;
  return { offsets, inputs: Int32Array.from(inputs), weights: Float64Array.from(weights) };
}

/** `conv(h) + bias` in float64. */
export function conv2dForward(layer: Conv2dLayer, h: ArrayLike<number>): Float64Array {
  const { offsets, inputs, weights } = layer.taps;
  const out = new Float64Array(layer.outSize);
  for (let i = 0; i < layer.outSize; i++) {
    let s = layer.bias[i];
    for (let t = offsets[i]; t < offsets[i + 1]; t++) s += weights[t] * h[inputs[t]];
    out[i] = s;
  }
  return out;
}

/** Adds the transposed convolution of `v` (`[outSize]`) to `into` (`[inSize]`): into += Wᵀ·v. */
export function conv2dTransposeAdd(layer: Conv2dLayer, v: ArrayLike<number>, into: Float64Array): void {
  const { offsets, inputs, weights } = layer.taps;
  for (let i = 0; i < layer.outSize; i++) {
    const vi = v[i];
    if (vi === 0) continue;
    for (let t = offsets[i]; t < offsets[i + 1]; t++) into[inputs[t]] += vi * weights[t];
  }
}
