/**
 * Kubernetes' name and label syntax rules (`k8s.io/apimachinery/pkg/util/validation`).
 * Each `is*` function returns the list of problems with a value, worded as
 * Kubernetes words them; an empty list means the value is valid.
 *
 * Guarantees: a value the DNS, qualified-name and label-value rules accept
 * contains only `[A-Za-z0-9._-]` (plus one `/` in qualified names), so it can
 * never carry a path traversal (`..` as a whole segment is rejected), shell
 * metacharacters or whitespace.
 *
 * Caveats: the path-segment rule (`isValidPathSegmentName`, the names of
 * RBAC objects and Events) is deliberately much wider. It refuses only `.`,
 * `..`, `/` and `%`, exactly as Kubernetes does, because Kubernetes
 * compatibility wins for these kinds: its own roles are named `system:controller:deployment-controller`,
 * and a manifest written for Kubernetes must load unchanged. Such a name may
 * hold `:`, spaces, `;`, `$(...)` or any other shell metacharacter. That is
 * safe in Flotilla because no name reaches a shell anywhere (processes are
 * spawned with argument arrays) and such a name is never one path segment
 * away from escaping a directory (no `/`, not `.` or `..`); code that puts
 * such a name into rule text, a file name or a DNS name must still quote or
 * encode it.
 */

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);
const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
/** A prefixed qualified name in one test (both parts' lengths are checked first, so the input is short). */
const prefixedQualifiedNameRe = new RegExp(`^${dns1123SubdomainFmt}/${qualifiedNameFmt}$`);
const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueRe = new RegExp(`^${labelValueFmt}$`);

/** Longest DNS-1123 / DNS-1035 label. */
export const DNS1123_LABEL_MAX_LENGTH = 63;
/** Longest DNS-1123 subdomain (most object names). */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
/** Longest label value and qualified-name name part. */
export const LABEL_VALUE_MAX_LENGTH = 63;

const maxLen = (n: number) => `must be no more than ${n} characters`;
const regexMsg = (what: string, fmt: string, examples: string[]) =>
  `${what} (e.g. ${examples.map((e) => `'${e}'`).join(',  or ')}, regex used for validation is '${fmt}')`;

const dns1123LabelMsg = regexMsg(
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  dns1123LabelFmt,
  ['my-name', '123-abc'],
);
const dns1123SubdomainMsg = regexMsg(
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  dns1123SubdomainFmt,
  ['example.com'],
);
const dns1035LabelMsg = regexMsg(
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  dns1035LabelFmt,
  ['my-name', 'abc-123'],
);
const qualifiedNameMsg = regexMsg(
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  qualifiedNameFmt,
  ['MyName', 'my.name', '123-abc'],
);
const labelValueMsg = regexMsg(
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  labelValueFmt,
  ['MyValue', 'my_value', '12345'],
);

/** Problems with `value` as a DNS-1123 label (namespace names, container and port names). */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLen(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRe.test(value)) errs.push(dns1123LabelMsg);
  return errs;
}

/** Problems with `value` as a DNS-1123 subdomain (most object names, label-key prefixes). */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLen(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRe.test(value)) errs.push(dns1123SubdomainMsg);
  return errs;
}

/** Problems with `value` as a DNS-1035 label (service names: they become DNS names starting with a letter). */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLen(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1035LabelRe.test(value)) errs.push(dns1035LabelMsg);
  return errs;
}

/**
 * Problems with `value` as a qualified name: `[prefix/]name`, where prefix is
 * a DNS-1123 subdomain. Label and annotation keys, finalizer names.
 */
export function isQualifiedName(value: string): string[] {
  const slash = value.indexOf('/');
  // Fast paths for valid names, with and without a prefix: no allocation beyond the empty result.
  if (slash < 0 ? value.length <= LABEL_VALUE_MAX_LENGTH && qualifiedNameRe.test(value) : fitsPrefixed(value, slash))
    return [];
  if (slash >= 0 && value.indexOf('/', slash + 1) >= 0) {
    return [
      `a qualified name ${regexMsg("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", qualifiedNameFmt, ['MyName', 'my.name', '123-abc'])} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const errs: string[] = [];
  const name = slash < 0 ? value : value.slice(slash + 1);
  if (slash >= 0) {
    const prefix = value.slice(0, slash);
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const e of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${e}`);
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else {
    if (name.length > LABEL_VALUE_MAX_LENGTH) errs.push(`name part ${maxLen(LABEL_VALUE_MAX_LENGTH)}`);
    if (!qualifiedNameRe.test(name)) errs.push(qualifiedNameMsg);
  }
  return errs;
}

/** Whether `value`, with its first `/` at `slash`, is a valid prefixed qualified name. */
function fitsPrefixed(value: string, slash: number): boolean {
  return (
    slash <= DNS1123_SUBDOMAIN_MAX_LENGTH &&
    value.length - slash - 1 <= LABEL_VALUE_MAX_LENGTH &&
    prefixedQualifiedNameRe.test(value)
  );
}

/** Problems with `value` as a label value (may be empty). */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) errs.push(maxLen(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRe.test(value)) errs.push(labelValueMsg);
  return errs;
}

/** Names a path segment may not be: they would address the current or the parent directory. */
const PATH_SEGMENT_RESERVED_NAMES = ['.', '..'];
/** Characters a path segment may not contain: a separator, and the escape that could spell one. */
const PATH_SEGMENT_FORBIDDEN_CHARACTERS = ['/', '%'];

/**
 * Problems with `value` as a path segment (Kubernetes' `IsValidPathSegmentName`,
 * the rule for RBAC object and Event names, e.g. `system:controller:deployment-controller`):
 * not `.` or `..`, and no `/` or `%`. See the module caveat for why nothing else is refused.
 */
export function isValidPathSegmentName(value: string): string[] {
  if (PATH_SEGMENT_RESERVED_NAMES.includes(value)) return [`may not be '${value}'`];
  return isValidPathSegmentPrefix(value);
}

/**
 * Problems with `value` as the start of a path segment (a `generateName` for
 * a path-segment kind): only the characters matter, as a suffix follows.
 */
export function isValidPathSegmentPrefix(value: string): string[] {
  const errs: string[] = [];
  for (const c of PATH_SEGMENT_FORBIDDEN_CHARACTERS) if (value.includes(c)) errs.push(`may not contain '${c}'`);
  return errs;
}
