/** Quantised tensors: integer symbols plus what turns them back into weights. */

/** Fields every quantised tensor has. */
interface QuantizedBase {
  /** Parameter name, e.g. `'0.weight'`. */
  name: string;
  /** Shape of the tensor. */
  shape: number[];
  /** One integer symbol per weight, row-major; 0 is the weight 0. */
  symbols: Int32Array;
}

/** A uniform symmetric scalar quantiser: weight = symbol·scale. */
export interface UniformQuantized extends QuantizedBase {
  /** Quantiser kind. */
  kind: 'uniform';
  /** The step Δ (a float32 value, as stored in the file). */
  scale: number;
}

/** Shared magnitudes (k-means on |w|): weight = sign(symbol)·codebook[|symbol| − 1]. */
export interface CodebookQuantized extends QuantizedBase {
  /** Quantiser kind. */
  kind: 'codebook';
  /** The shared magnitudes, ascending (float32). */
  codebook: Float32Array;
}

/** A quantised tensor of either kind. */
export type QuantizedTensor = UniformQuantized | CodebookQuantized;

/** The float32 weights a quantised tensor stands for (exactly what a decoder produces). */
export function dequantize(q: QuantizedTensor): Float32Array {
  const out = new Float32Array(q.symbols.length);
  if (q.kind === 'uniform') {
    for (let i = 0; i < out.length; i++) out[i] = q.symbols[i] * q.scale;
    return out;
  }
  for (let i = 0; i < out.length; i++) {
    const s = q.symbols[i];
    out[i] = s === 0 ? 0 : Math.sign(s) * q.codebook[Math.abs(s) - 1];
  }
  return out;
}

/** Checks that the symbols fit the shape and the quantiser; throws a clear error otherwise. */
export function checkQuantized(q: QuantizedTensor): void {
  const size = q.shape.reduce((a, b) => a * b, 1);
  if (!(q.symbols instanceof Int32Array) || q.symbols.length !== size) throw new Error(`quantized tensor '${q.name}': ${q.symbols?.length} symbols for shape [${q.shape}] (${size} values)`);
  if (q.kind === 'uniform') {
    if (!Number.isFinite(q.scale) || q.scale < 0 || Math.fround(q.scale) !== q.scale) throw new Error(`quantized tensor '${q.name}': scale must be a finite float32 ≥ 0, got ${q.scale}`);
    return;
  }
  const kind: string = q.kind;
  if (kind !== 'codebook') throw new Error(`quantized tensor '${q.name}': unknown kind ${JSON.stringify(kind)}`);
  if (!(q.codebook instanceof Float32Array) || q.codebook.length > 0xffff) throw new Error(`quantized tensor '${q.name}': the codebook must be a Float32Array of at most 65,535 entries`);
  q.codebook.forEach((c, j) => {
    if (!(Number.isFinite(c) && c > 0 && (j === 0 || c > q.codebook[j - 1]))) throw new Error(`quantized tensor '${q.name}': codebook entry ${j} = ${c}; entries must be finite, positive and ascending`);
  });
  for (const s of q.symbols) {
    if (Math.abs(s) > q.codebook.length) throw new Error(`quantized tensor '${q.name}': symbol ${s} needs codebook entry ${Math.abs(s)}, the codebook has ${q.codebook.length}`);
  }
}
