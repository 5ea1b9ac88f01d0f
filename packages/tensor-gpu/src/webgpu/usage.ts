// The WebGPU flag values are fixed by the specification; carrying them here keeps the code free
// of the GPUBufferUsage/GPUMapMode globals, which Node only has once `webgpu` installs them.

/** GPUBufferUsage flags. */
export const BUFFER_USAGE = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

/** GPUMapMode.READ. */
export const MAP_READ_MODE = 0x0001;

/** GPUShaderStage.COMPUTE. */
export const COMPUTE_STAGE = 0x4;
