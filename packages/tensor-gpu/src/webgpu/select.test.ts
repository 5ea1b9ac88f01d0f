import { describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { nodeWebGpu } from './node-gpu';

describe('selecting webgpu', () => {
  it('setBackend rejects a gpu option that is not a WebGPU entry object, naming the option', async () => {
    const engine = new Engine();
    await expect(engine.setBackend('webgpu', { gpu: 42 as never })).rejects.toThrow(/options.gpu must be a WebGPU entry object with requestAdapter\(\).*got number/);
    engine.destroy();
  });

  it('without navigator.gpu or a gpu option, webgpu in Node says what to pass', async () => {
    const engine = new Engine();
    await expect(engine.setBackend('webgpu')).rejects.toThrow(/nodeWebGpu\(\) }\) with nodeWebGpu from '@nnlab\/tensor-gpu\/node'/);
    engine.destroy();
  });

  it('an entry object without an adapter is reported as unavailable; auto then falls back', async () => {
    const none = { requestAdapter: async () => null };
    const engine = new Engine();
    await expect(engine.setBackend('webgpu', { gpu: none })).rejects.toThrow(/'webgpu' is not available in this environment \(requestAdapter\(\) found no adapter\)/);
    expect(await engine.setBackend('auto', { gpu: none })).not.toBe('webgpu');
    engine.destroy();
  });

  it('nodeWebGpu checks its flags', async () => {
    await expect(nodeWebGpu({ flags: 'x' as never })).rejects.toThrow(/options.flags must be an array of strings, got "x"/);
  });
});
