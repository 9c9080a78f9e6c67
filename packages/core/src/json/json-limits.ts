/**
 * How deeply objects and arrays may nest in anything the Api accepts.
 *
 * Kubernetes' JSON decoder (Go's `encoding/json`, which kube-apiserver uses
 * through `sigs.k8s.io/json`) stops at 10,000 levels. Flotilla cannot keep
 * that limit: V8's own `JSON.stringify`, which every store and client calls,
 * overflows its stack between 4,000 and 5,000 levels (Node 20), and so do
 * plain recursive walks near 10,000. Flotilla therefore refuses input nested
 * deeper than 1,000 levels, far beyond any real manifest (a Pod nests about
 * 10 levels) and a safe margin below the engine's limits, so that every
 * recursive walk over an accepted object (copy, equality, merge patch,
 * serialization, an informer's freeze) stays within the stack.
 *
 * Depth counts containers as Go does: `{}` is depth 1, `{"a":[{}]}` depth 3.
 */
export const MAX_JSON_DEPTH = 1000;
