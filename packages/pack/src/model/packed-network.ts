import * as t from '@nnlab/tensor-gpu';
import type { Architecture, LayerSpec } from './architecture';

/**
 * Where the K models' activations are between layers:
 * - `'shared'`: `[B, ...]`, one tensor for all models (the input, before any layer with parameters);
 * - `'grouped'`: `[B, K·C, H, W]`, the models as K channel groups (convolutional part);
 * - `'models'`: `[K, B, ...]`, model axis first (fully connected part).
 */
type Layout = 'shared' | 'grouped' | 'models';

function parameterFree(layer: LayerSpec): t.nn.Module {
  switch (layer.kind) {
    case 'relu':
      return new t.nn.ReLU();
    case 'tanh':
      return new t.nn.Tanh();
    case 'sigmoid':
      return new t.nn.Sigmoid();
    case 'flatten':
      return new t.nn.Flatten();
    case 'maxpool2d':
      return new t.nn.MaxPool2d(layer.kernel, { stride: layer.stride ?? layer.kernel });
    default:
      throw new Error(`layer kind '${layer.kind}' has parameters`);
  }
}

/**
 * K models of one architecture as one network. Parameters are those of tensor-gpu's packed layers
 * (`[K, ...]`, registered in layer order under the layer's index, as in a `Sequential`). The
 * convolutional part keeps the models as channel groups of one `[B, K·C, H, W]` tensor, so a
 * convolution is one grouped `conv2d` (a plain one with K·O filters when the input is shared) and
 * activations and pooling apply as they are, with no transposes between layers; at the flatten the
 * activations move to `[K, B, F]` once, where packed linear layers take over.
 */
export class PackedNetwork extends t.nn.Module {
  private readonly layers: { spec: LayerSpec; module: t.nn.Module }[] = [];

  constructor(
    /** The architecture of every model. */
    readonly architecture: Architecture,
    /** Per-layer seeds: `seeds[i]` holds model k's seed of the i-th layer with parameters at index k. */
    layerSeeds: readonly (readonly number[])[],
    /** Number of models K. */
    readonly models: number,
  ) {
    super();
    let p = 0;
    architecture.layers.forEach((spec, i) => {
      let module: t.nn.Module;
      if (spec.kind === 'linear') module = new t.nn.PackedLinear(models, spec.in, spec.out, { seeds: layerSeeds[p++] });
      else if (spec.kind === 'conv2d') module = new t.nn.PackedConv2d(models, spec.in, spec.out, spec.kernel, { stride: spec.stride ?? 1, padding: spec.padding ?? 0, seeds: layerSeeds[p++] });
      else module = parameterFree(spec);
      this.layers.push({ spec, module: this.addModule(String(i), module) });
    });
  }

  /** Packed logits `[K, B, C]` for a shared input `[B, ...sample]` or per-model inputs `[K, B, ...sample]`. */
  forward(x: t.Tensor): t.Tensor {
    const k = this.models;
    const sampleRank = this.architecture.inputShape.length;
    let layout: Layout = x.rank === sampleRank + 1 ? 'shared' : 'models';
    let h = x;
    return t.tidy(() => {
      for (const { spec, module } of this.layers) {
        if (spec.kind === 'conv2d') {
          const conv = module as t.nn.PackedConv2d;
          if (layout === 'models') {
            // [K, B, C, H, W] → [B, K·C, H, W]: the one transpose of a per-model input.
            const [, b, c, hh, ww] = h.shape;
            h = t.reshape(t.transpose(h, [1, 0, 2, 3, 4]), [b, k * c, hh, ww]);
            layout = 'grouped';
          }
          const w = t.reshape(conv.weight.value, [k * spec.out, spec.in, spec.kernel, spec.kernel]);
          // A shared input feeds every model: one plain convolution with all K·O filters.
          const y = t.conv2d(h, w, { stride: spec.stride ?? 1, padding: spec.padding ?? 0, groups: layout === 'shared' ? 1 : k });
          h = conv.bias ? t.add(y, t.reshape(conv.bias.value, [1, k * spec.out, 1, 1])) : y;
          layout = 'grouped';
        } else if (spec.kind === 'linear') {
          h = module.forward(h);
          layout = 'models';
        } else if (spec.kind === 'flatten' && layout === 'grouped') {
          const [b, kc, hh, ww] = h.shape;
          h = t.transpose(t.reshape(h, [b, k, (kc / k) * hh * ww]), [1, 0, 2]);
          layout = 'models';
        } else if (layout === 'models') {
          const [kk, b, ...rest] = h.shape;
          const y = module.forward(t.reshape(h, [kk * b, ...rest]));
          h = t.reshape(y, [kk, b, ...y.shape.slice(1)]);
        } else {
          // Shared or grouped activations: elementwise and per-channel layers apply as they are.
          h = module.forward(h);
        }
      }
      if (layout !== 'models') throw new Error(`PackedNetwork: architecture '${this.architecture.name}' has no layer with parameters`);
      return h;
    });
  }
}
