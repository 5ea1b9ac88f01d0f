import * as t from '@nnlab/tensor-gpu';
import { checkSeed, layerShapes, parameterFree, type Architecture, type LayerSpec } from './architecture';

/**
 * K models of one architecture as one network. Parameters are those of tensor-gpu's packed layers
 * (`[K, ...]`, registered in layer order under the layer's index, as in a `Sequential`), and so
 * are the kernels: a linear layer is one batched matmul, a convolution one grouped convolution
 * that reads and writes the model-first layout `[K, B, C, H, W]` directly (a shared input is
 * unfolded once for all K models). Parameter-free layers fold the model axis into the batch.
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
    const sampleRank = this.architecture.inputShape.length;
    // A shared input stays shared until the first layer with parameters gives every model its own.
    let perModel = x.rank !== sampleRank + 1;
    let h = x;
    return t.tidy(() => {
      for (const { spec, module } of this.layers) {
        if (spec.kind === 'conv2d' || spec.kind === 'linear') {
          h = module.forward(h);
          perModel = true;
        } else if (perModel) {
          // Parameter-free layers see the K models as one batch of K·B samples.
          const [k, b, ...rest] = h.shape;
          const y = module.forward(t.reshape(h, [k * b, ...rest]));
          h = t.reshape(y, [k, b, ...y.shape.slice(1)]);
        } else {
          h = module.forward(h);
        }
      }
      if (!perModel) throw new Error(`PackedNetwork: architecture '${this.architecture.name}' has no layer with parameters`);
      return h;
    });
  }
}

/**
 * K models of the architecture stacked on a leading model axis ({@link PackedNetwork}: tensor-gpu's
 * packed layers' parameters, convolutions as grouped convolutions). Model k starts exactly as
 * `buildModel(architecture, seeds[k])`. Input `[B, ...]` (shared) or `[K, B, ...]`; output `[K, B, C]`.
 */
export function buildPackedModel(architecture: Architecture, seeds: readonly number[]): PackedNetwork {
  layerShapes(architecture);
  if (!Array.isArray(seeds) || seeds.length === 0) throw new Error('buildPackedModel: seeds must be a non-empty array (one per model)');
  if (!architecture.layers.some((l) => l.kind === 'linear' || l.kind === 'conv2d')) throw new Error(`buildPackedModel: architecture '${architecture.name}' has no layer with parameters`);
  const sequences = seeds.map((s, i) => new t.nn.SeedSequence(checkSeed(s, `buildPackedModel: seeds[${i}]`)));
  const layerSeeds = architecture.layers.filter((l) => l.kind === 'linear' || l.kind === 'conv2d').map(() => sequences.map((s) => s.next()));
  return new PackedNetwork(architecture, layerSeeds, seeds.length);
}
