import { packageConfig } from '../../scripts/rollup-package.mjs';

export default packageConfig(import.meta.dirname, { index: 'src/index.ts', node: 'src/node.ts' });
