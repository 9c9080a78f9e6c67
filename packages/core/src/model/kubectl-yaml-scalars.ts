import type { ScalarTag } from 'yaml';

/**
 * How kubectl reads plain (unquoted) YAML scalars: sigs.k8s.io/yaml's
 * `YAMLToJSON`, which decodes with its go-yaml v2 fork (mostly YAML 1.1) into
 * untyped values and writes them as JSON. kubectl decodes manifests that way
 * (into a RawExtension, so no field type ever turns a value back into a
 * string), so these rules hold in every position, typed field or not:
 *
 * - `y Y yes Yes YES on On ON true True TRUE` are `true`, the `n`/`no`/`off`/
 *   `false` spellings `false`; `~ null Null NULL` and an empty value are null;
 * - integers lose `_`s and take Go's base prefixes: `0400` is octal (256),
 *   `0o400` too, `0x1F` hex, `0b101` binary;
 * - `1e3`, `1.5`, `.5` are numbers; `.inf` and `.nan` have no JSON form and
 *   are refused, as `YAMLToJSON` refuses them;
 * - a `YYYY-M-D` date, alone or with a time, is a timestamp, written back as
 *   RFC 3339 (`2024-01-02` becomes `2024-01-02T00:00:00Z`);
 * - sexagesimal `22:22` stays a string (go-yaml never supported base 60);
 * - quoted scalars are always strings.
 *
 * Source: `goyaml.v2/resolve.go` in kubernetes-sigs/yaml.
 */

const TAG = 'tag:yaml.org,2002:';

const plainInt = (text: string): number | undefined => {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text.replaceAll('_', ''));
  if (!m) return undefined;
  const [, sign, digits] = m as unknown as [string, string, string];
  const lower = digits.toLowerCase();
  let n: number;
  if (lower.startsWith('0x')) n = Number.parseInt(lower.slice(2), 16);
  else if (lower.startsWith('0o')) n = Number.parseInt(lower.slice(2), 8);
  else if (lower.startsWith('0b')) n = Number.parseInt(lower.slice(2), 2);
  else if (lower.startsWith('0')) n = Number.parseInt(lower, 8);
  else n = Number.parseInt(lower, 10);
  return sign === '-' ? -n : n;
};

const goFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** go-yaml v2's accepted timestamp layouts: `T`/`t` with a zone, a space without one, or a date alone. */
const timestampRe =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?))?$/;

/** A timestamp as Go's `time.Time` marshals to JSON (RFC 3339 with trailing fraction zeros dropped), or undefined. */
export function goTimestamp(text: string): string | undefined {
  const m = timestampRe.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = Number(m[4] ?? m[9] ?? 0);
  const mi = Number(m[5] ?? m[10] ?? 0);
  const s = Number(m[6] ?? m[11] ?? 0);
  const fraction = (m[7] ?? m[12] ?? '').replace(/0+$/, '');
  const zone = m[8] ?? 'Z';
  const daysIn = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn || h > 23 || mi > 59 || s > 59) return undefined;
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return undefined;
  const two = (n: number) => String(n).padStart(2, '0');
  const offset = zone === '+00:00' || zone === '-00:00' ? (zone === '-00:00' ? '-00:00' : 'Z') : zone;
  return `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}${fraction === '.' ? '' : fraction}${offset}`;
}

/** The scalar tags, in go-yaml v2's resolution order, for `parseAllDocuments`' `customTags` over the failsafe schema. */
export const kubectlScalarTags: ScalarTag[] = [
  { tag: `${TAG}null`, default: true, test: /^(?:~|null|Null|NULL)?$/, resolve: () => null },
  {
    tag: `${TAG}bool`,
    default: true,
    test: /^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/,
    resolve: () => true,
  },
  {
    tag: `${TAG}bool`,
    default: true,
    test: /^(?:n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/,
    resolve: () => false,
  },
  {
    tag: `${TAG}float`,
    default: true,
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    resolve: (text, onError) => {
      onError(`${text} has no JSON form (kubectl refuses it too); quote it to mean the string`);
      return text;
    },
  },
  {
    tag: `${TAG}timestamp`,
    default: true,
    test: /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ].*)?$/,
    resolve: (text) => goTimestamp(text) ?? text,
  },
  {
    tag: `${TAG}int`,
    default: true,
    test: /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/,
    resolve: (text) =>
      plainInt(text) ?? (goFloat.test(text.replaceAll('_', '')) ? Number(text.replaceAll('_', '')) : text),
  },
  {
    tag: `${TAG}float`,
    default: true,
    test: /^[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/,
    resolve: (text) => {
      const plain = text.replaceAll('_', '');
      return goFloat.test(plain) ? Number(plain) : text;
    },
  },
];
