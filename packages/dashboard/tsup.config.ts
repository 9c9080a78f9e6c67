import { packageBuild } from '../../tsup.package.js';
import { bundleBrowserApp } from './src/build/browser-bundle.js';

// shims: the CommonJS build finds its browser bundle through import.meta.url too.
export default packageBuild({
  shims: true,
  onSuccess: async () => {
    await bundleBrowserApp('dist/browser/dashboard.js');
  },
});
