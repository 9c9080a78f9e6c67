/** One `-A` rule of a parsed iptables-restore text. */
export interface ParsedRule {
  readonly chain: string;
  readonly args: readonly string[];
  /** The `-j` target. */
  readonly target: string;
}

/** One table of a parsed iptables-restore text. */
export interface ParsedTable {
  readonly declared: Set<string>;
  readonly rules: ParsedRule[];
  readonly deleted: Set<string>;
}

/** Splits a rule line into arguments, honouring double quotes as iptables-restore does. */
export function tokenize(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** Parses iptables-restore text into its tables; throws on anything iptables-restore would not accept. */
export function parseRestore(text: string): Map<string, ParsedTable> {
  const tables = new Map<string, ParsedTable>();
  let current: ParsedTable | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('*')) {
      current = { declared: new Set(), rules: [], deleted: new Set() };
      tables.set(line.slice(1), current);
    } else if (line === 'COMMIT') current = undefined;
    else if (!current) throw new Error(`line outside a table: ${line}`);
    else if (line.startsWith(':')) current.declared.add(line.slice(1).split(' ')[0]);
    else if (line.startsWith('-X ')) current.deleted.add(line.slice(3));
    else if (line.startsWith('-A ')) {
      const args = tokenize(line.slice(3));
      const j = args.indexOf('-j');
      if (j < 0) throw new Error(`rule without a target: ${line}`);
      current.rules.push({ chain: args[0], args: args.slice(1), target: args[j + 1] });
    } else throw new Error(`unexpected line: ${line}`);
  }
  return tables;
}

/** The value after `flag` in a rule, if present. */
export function option(rule: ParsedRule, flag: string): string | undefined {
  const i = rule.args.indexOf(flag);
  return i < 0 ? undefined : rule.args[i + 1];
}

const TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'DNAT', 'MARK', 'MASQUERADE']);

/** Jump targets that are neither built-in targets nor chains declared in the same table. */
export function danglingJumps(table: ParsedTable): string[] {
  return table.rules.filter((r) => !TARGETS.has(r.target) && !table.declared.has(r.target)).map((r) => r.target);
}

/**
 * Where a new connection entering `chain` ends up, with probabilities: walks
 * the random-probability rules as the kernel would (affinity checks never
 * match a new client; KUBE-MARK-MASQ does not terminate), follows jumps and
 * collects the DNAT destinations.
 */
export function destinations(table: ParsedTable, chain: string, mass = 1, out = new Map<string, number>()) {
  let remaining = mass;
  for (const rule of table.rules.filter((r) => r.chain === chain)) {
    if (remaining <= 0) break;
    if (rule.target === 'KUBE-MARK-MASQ' || rule.args.includes('--rcheck')) continue;
    const dnat = option(rule, '--to-destination');
    if (dnat) {
      out.set(dnat, (out.get(dnat) ?? 0) + remaining);
      remaining = 0;
      continue;
    }
    const p = Number(option(rule, '--probability') ?? '1');
    const taken = remaining * p;
    remaining -= taken;
    if (table.declared.has(rule.target)) destinations(table, rule.target, taken, out);
    else out.set(rule.target, (out.get(rule.target) ?? 0) + taken);
  }
  return out;
}
