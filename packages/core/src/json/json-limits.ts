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

/**
 * How many entries (object members and list items, at any depth, counted
 * together, big objects' members weighted) one write's input may hold by default: the Api's
 * `maxInputEntries`, and the HTTP server's `maxBodyEntries` before it parses
 * a body.
 *
 * Kubernetes has no such limit; it bounds a request by bytes only (3 MiB).
 * It can afford to: kube-apiserver serves each request on its own goroutine,
 * so a slow body delays that request alone. Flotilla serves every request of
 * a process on one event loop, and a body of a few hundred thousand tiny map
 * entries still fits in 3 MiB but costs V8 hundreds of milliseconds to parse,
 * copy, validate and serialize (objects of more than about a thousand keys
 * are dictionaries), holding every other request that long. The default is
 * chosen by measurement (`npm run bench -- input`, docs/benchmarks.md): the
 * costliest write within it, of any shape, holds the event loop for about
 * 31 ms over HTTP on a loaded machine (the main thread's CPU; 36 ms of the
 * whole process's), while real big objects (a 1 MiB ConfigMap of 1,000
 * keys, a Pod of 50 containers with 100 env vars each, an Endpoints object
 * of 1,000 addresses, a CustomResourceDefinition with a schema of thousands
 * of properties) stay within it. Members of big objects count more (see
 * `BIG_OBJECT_MEMBERS`).
 */
export const DEFAULT_MAX_INPUT_ENTRIES = 16_000;

/**
 * The members of one object past this many each count as
 * `BIG_OBJECT_MEMBER_WEIGHT` entries of the budget. Objects this big are
 * maps (labels, annotations, selectors, ConfigMap data, resource lists)
 * rather than structs: every key of a map is validated and tracked in
 * managedFields, and past about a thousand keys V8 keeps the map as a slow
 * dictionary. Over HTTP a label cost up to 9 us of CPU where an entry of small
 * objects (env vars in lists) cost 2.3 us (`npm run bench -- input`,
 * 2026-12-07, load 10). So a write holds at most about 4,000 entries in one
 * map, or 16,000 entries of small objects (maps of at most 16 keys, lists).
 */
export const BIG_OBJECT_MEMBERS = 16;

/** What a member of an object past its `BIG_OBJECT_MEMBERS`th counts for in the write budget. */
export const BIG_OBJECT_MEMBER_WEIGHT = 4;

/**
 * `metadata.managedFields` count against a budget of their own, this many
 * times the input's, big objects' members unweighted: the HTTP server writes
 * them, about one entry per field of the object (more for keyed list items,
 * and a keyed list becomes an object of one member per item), so an object
 * that fits its budget gets managedFields that fit theirs.
 */
export const MANAGED_FIELDS_ENTRY_FACTOR = 2;
