/**
 * The fields a JSON text names twice in one object, by path
 * (`spec.replicas`, `spec.containers[0].name`), in the order met. JSON.parse
 * keeps the last of them silently; Kubernetes' `fieldValidation` reports
 * them (Strict: a 400, Warn: a `Warning` header). The text must be valid
 * JSON (parse it first): this only walks it.
 */
export function duplicateFields(text: string): string[] {
  const found: string[] = [];
  // The path is kept as segments and spelled out only for a duplicate: most bodies have none.
  const segments: (string | number)[] = [];
  const spell = () => segments.map((s, n) => (typeof s === 'number' ? `[${s}]` : n === 0 ? s : `.${s}`)).join('');
  let i = 0;
  const skipSpace = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++i));
  };
  const readString = (): string => {
    const start = i;
    let escaped = false;
    i++;
    for (let c = text.charCodeAt(i); c !== 34; c = text.charCodeAt(i)) {
      if (c === 92) {
        escaped = true;
        i += 2;
      } else i++;
    }
    i++;
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };
  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      skipSpace();
      while (text[i] !== '}') {
        skipSpace();
        const key = readString();
        segments.push(key);
        if (seen.has(key)) found.push(spell());
        seen.add(key);
        skipSpace();
        i++; // the colon
        value();
        segments.pop();
        skipSpace();
        if (text[i] === ',') i++;
        skipSpace();
      }
      i++;
    } else if (c === '[') {
      i++;
      let index = 0;
      skipSpace();
      while (text[i] !== ']') {
        segments.push(index++);
        value();
        segments.pop();
        skipSpace();
        if (text[i] === ',') i++;
        skipSpace();
      }
      i++;
    } else if (c === '"') {
      readString();
    } else {
      while (i < text.length && !',}] \n\r\t'.includes(text[i]!)) i++;
    }
  };
  value();
  return found;
}

/** The members of every object in `value`, at any depth (the text's depth was bounded before it was parsed). */
function membersIn(value: object): number {
  let count = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) count += membersIn(item);
    }
    return count;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    count++;
    const member = record[key];
    if (typeof member === 'object' && member !== null) count += membersIn(member);
  }
  return count;
}

/**
 * `duplicateFields(text)` for a text already parsed into `parsed`, skipping
 * the walk of the text when `parsed` shows there is none to find: when it
 * holds as many object members as the text names (`members`, counted by the
 * body's shape scan, `bodyShapeOf`), since a field named twice is parsed
 * into one; without that count, when serializing `parsed` gives back `text`
 * exactly (compact JSON in the parsed order, what client libraries send).
 */
export function duplicateFieldsOf(text: string, parsed: unknown, members?: number): string[] {
  let none = false;
  if (members !== undefined) {
    none = typeof parsed !== 'object' || parsed === null ? members === 0 : membersIn(parsed) === members;
  } else {
    try {
      none = JSON.stringify(parsed) === text;
    } catch {
      // Nested too deeply for the serializer: the walk decides.
    }
  }
  return none ? [] : duplicateFields(text);
}
