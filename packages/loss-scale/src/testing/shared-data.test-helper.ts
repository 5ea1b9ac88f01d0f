// Test helper (not part of the library): the repository's shared-data rules for real-data tests.
export { inCI, requirePresent, sharedData, type SharedData } from '../../../../scripts/shared-data.test-helper';
