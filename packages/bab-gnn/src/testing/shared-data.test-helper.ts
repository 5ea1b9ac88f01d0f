// Test helper (not part of the library): whether the ACAS Xu tests run, skip (outside CI only)
// or fail (CI=true and the data missing), by the repository's shared-data rules.
import { sharedData, type SharedData } from '../../../../scripts/shared-data.test-helper';

export { inCI, requirePresent } from '../../../../scripts/shared-data.test-helper';

/** Where the ACAS Xu data is, and whether its tests run, skip (outside CI) or fail (in CI). */
export function acasXuData(): SharedData {
  return sharedData('acasxu', ['nnet/ACASXU_run2a_1_1_batch_2000.nnet', 'vnnlib/prop_1.vnnlib']);
}
