import { packageBuild } from '../../tsup.package.js';

// The Store conformance suite is its own entry point: it imports vitest and fast-check, which store users need not install.
export default packageBuild({
  entry: { index: 'src/index.ts', 'conformance/index': 'src/conformance/index.ts' },
  external: ['vitest', 'fast-check'],
});
