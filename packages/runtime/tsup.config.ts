import { packageBuild } from '../../tsup.package.js';

// The conformance suite is its own entry point: it imports vitest, which runtime users need not install.
export default packageBuild({
  entry: { index: 'src/index.ts', 'conformance/index': 'src/conformance/index.ts' },
  external: ['vitest'],
});
