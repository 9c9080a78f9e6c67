/** A parsed `nft -f` script as `nftablesRules` writes it. */
export interface ParsedNft {
  readonly chains: Map<string, string[]>;
  readonly sets: Map<string, string>;
  /** Elements added per map or set, in `add element` lines. */
  readonly added: Map<string, string[]>;
  /** Element keys deleted per map or set. */
  readonly deleted: Map<string, string[]>;
  /** Every other top-level command line (`add chain`, `flush chain`, `delete chain`, ...). */
  readonly commands: string[];
}

/** Parses a full or incremental script. */
export function parseNft(text: string): ParsedNft {
  const parsed: ParsedNft = { chains: new Map(), sets: new Map(), added: new Map(), deleted: new Map(), commands: [] };
  for (const m of text.matchAll(/^\tchain (\S+) \{\n((?:\t\t.*\n)*)\t\}$/gm)) {
    parsed.chains.set(
      m[1],
      m[2]
        .split('\n')
        .filter(Boolean)
        .map((l) => l.trim()),
    );
  }
  for (const m of text.matchAll(/^\t(?:set|map) (\S+) \{\n((?:\t\t.*\n)*)\t\}$/gm)) parsed.sets.set(m[1], m[2]);
  for (const line of text.split('\n')) {
    const element = /^(add|delete) element ip \S+ (\S+) \{ (.*) \}$/.exec(line);
    if (element) {
      const target = element[1] === 'add' ? parsed.added : parsed.deleted;
      target.set(element[2], [...(target.get(element[2]) ?? []), ...element[3].split(', ')]);
    } else if (/^(add|flush|delete) /.test(line)) {
      parsed.commands.push(line);
      const rule = /^add rule ip \S+ (\S+) (.*)$/.exec(line);
      if (rule) parsed.chains.set(rule[1], [...(parsed.chains.get(rule[1]) ?? []), rule[2]]);
    }
  }
  return parsed;
}

/** The value of a verdict-map element (`key : verdict`) for `key`, if present. */
export function lookup(parsed: ParsedNft, set: string, key: string): string | undefined {
  return parsed.added
    .get(set)
    ?.find((e) => e.startsWith(`${key} : `))
    ?.slice(key.length + 3);
}

/** Chains named by `goto`/`jump` in rules or elements that the script does not define. */
export function danglingGotos(parsed: ParsedNft): string[] {
  const referenced = new Set<string>();
  const collect = (text: string) => {
    for (const m of text.matchAll(/(?:goto|jump) ([A-Za-z0-9-]+)/g)) referenced.add(m[1]);
  };
  for (const rules of parsed.chains.values()) rules.forEach(collect);
  for (const elements of parsed.added.values()) elements.forEach(collect);
  return [...referenced].filter((c) => !parsed.chains.has(c));
}
