import { expect } from 'vitest';
import * as t from './index';
import { describeOnBackends } from './testing/backend-suite.test-helper';

describeOnBackends('String(tensor)', (backend, test) => {
  test('shows the values where the backend reads synchronously, and says where they are otherwise', async () => {
    await t.expectNoLeaks(async () => {
      const x = t.tidy(() => t.add(t.tensor([0.5, -1, 2, 3], [2, 2]), t.tensor([1, 1, 1, 1], [2, 2])));
      const text = String(x);
      if (backend === 'webgpu') {
        expect(text).toBe('Tensor float32 [2,2] (values on the webgpu device; read them with await tensor.data())');
      } else {
        expect(text).toBe('Tensor float32 [2,2]\n[[1.5000, 0.0000],\n [3.0000, 4.0000]]');
      }
      // Printing reads nothing away: the values are still there afterwards.
      expect(Array.from(await x.data())).toEqual([1.5, 0, 3, 4]);
      x.dispose();
    });
  });
});
