import type { MatmulGeometry } from '../../kernels/matmul';
import type { WgslKernel, WgslProgram } from '../wgsl-kernel';
import { gemmWorkgroups, tiledGemmCode, type GemmParts } from './tiled-gemm';

/** `op(A)·op(B)` for one transpose pair: the batch is the z axis (stride 0: an operand shared by the batch, as in packed K-model products). */
function matmulParts(transposeA: boolean, transposeB: boolean): GemmParts {
  return {
    fields: ['m : u32,', 'n : u32,', 'p : u32,', 'aStride : u32,', 'bStride : u32,', 'pad0 : u32,', 'pad1 : u32,', 'pad2 : u32,'],
    globals: '',
    prologue: '',
    elementA: `return a[batch * P.aStride + ${transposeA ? 'k * P.m + r' : 'r * P.n + k'}];`,
    elementB: `return b[batch * P.bStride + ${transposeB ? 'c * P.n + k' : 'k * P.p + c'}];`,
    outIndex: '(batch * P.m + r) * P.p + c',
    aAlongK: !transposeA,
    bAlongK: transposeB,
  };
}

/** The tiled WGSL matmul for one product geometry (any batch, either operand transposed). */
export const matmulWgsl: WgslKernel<MatmulGeometry> = (spec, _scalars, precision): WgslProgram | null => {
  const g = spec.params;
  if (!g) return null;
  return {
    key: `matmul|${g.transposeA ? 'T' : 'N'}${g.transposeB ? 'T' : 'N'}|${precision}`,
    code: () => tiledGemmCode(matmulParts(g.transposeA, g.transposeB), precision),
    workgroups: gemmWorkgroups(g.m, g.p, g.batch),
    uniforms: new Uint32Array([g.m, g.n, g.p, g.aBatchStride, g.bBatchStride, 0, 0, 0]).buffer,
  };
};
