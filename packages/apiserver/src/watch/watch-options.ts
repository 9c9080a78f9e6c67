/** How watches are served. */
export interface WatchOptions {
  /** How often a watch that allows bookmarks gets a BOOKMARK event. Default 60 s (kube-apiserver: about a minute). */
  bookmarkIntervalMs: number;
  /**
   * A watch without `timeoutSeconds` ends after a random time between this
   * and twice this, so clients reconnect spread out (kube-apiserver's
   * `--min-request-timeout`, default 1800 s).
   */
  minRequestTimeoutSeconds: number;
  /** A watcher whose unsent output passes this many bytes is too slow and is ended (kube-apiserver drops slow watchers too). */
  maxBufferedBytes: number;
}

/** kube-apiserver's defaults. */
export const defaultWatchOptions: WatchOptions = Object.freeze({
  bookmarkIntervalMs: 60_000,
  minRequestTimeoutSeconds: 1800,
  maxBufferedBytes: 16 * 1024 * 1024,
});
