/**
 * An `nft -f` script as one line of commands joined with `; `: `nft -i`
 * reads one buffer per line and commits each buffer as one transaction, so
 * the line is as atomic as the script. Blank lines are dropped; multi-line
 * blocks stay valid (`{;` is an empty statement to nft).
 *
 * Returns `undefined` when joining could change the meaning: a `#` starts a
 * comment that would swallow every command after it on the line, and a
 * line ending in `\` continues onto the next one. Callers then load the
 * script some other way (`nft -f -`).
 */
export function nftOneLine(script: string): string | undefined {
  const lines: string[] = [];
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (line.includes('#') || line.endsWith('\\')) return undefined;
    if (line !== '') lines.push(line);
  }
  return lines.join('; ');
}
