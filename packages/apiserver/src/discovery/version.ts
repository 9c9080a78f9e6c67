/** `/version`'s answer (Kubernetes' `version.Info`). */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/**
 * The Kubernetes version this server speaks. The `kubectl` on PATH here is a
 * dispatcher that runs the kubectl binary matching the server's minor
 * version, so this decides which kubectl users get; 1.32 is the API level
 * Flotilla is written against.
 */
export const SERVED_KUBERNETES_VERSION = Object.freeze({ major: '1', minor: '32', patch: '0' });

/** `/version`: Kubernetes' version with Flotilla as the build. */
export function versionInfo(): VersionInfo {
  const { major, minor, patch } = SERVED_KUBERNETES_VERSION;
  return {
    major,
    minor,
    gitVersion: `v${major}.${minor}.${patch}+flotilla`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch}`,
  };
}
