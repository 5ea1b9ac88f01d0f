// Test helper (not part of the library): the ACAS Xu files the tests read. They come from the
// @nnlab/verification-benchmarks package (a dev dependency), found the way users' code finds them;
// src/node/acasxu.test.ts cross-checks them against ../shared/data.
import { acasXuDataDir } from '../node/acasxu';
import type { SharedData } from '../../../../scripts/shared-data.test-helper';

export { inCI, requirePresent } from '../../../../scripts/shared-data.test-helper';

/** Where the ACAS Xu data is; always present, since the package is installed with the tests. */
export function acasXuData(): SharedData {
  return { dir: acasXuDataDir(), present: true, skip: false, reason: '' };
}
