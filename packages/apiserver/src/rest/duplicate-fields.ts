/**
 * The fields a JSON text names twice in one object, by path
 * (`spec.replicas`, `spec.containers[0].name`), in the order met. JSON.parse
 * keeps the last of them silently; Kubernetes' `fieldValidation` reports
 * them (Strict: a 400, Warn: a `Warning` header). The text must be valid
 * JSON (parse it first): this only walks it.
 */
export function duplicateFields(text: string): string[] {
  const found: string[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      skipSpace();
      while (text[i] !== '}') {
        skipSpace();
        const key = readString();
        const at = path ? `${path}.${key}` : key;
        if (seen.has(key)) found.push(at);
        seen.add(key);
        skipSpace();
        i++; // the colon
        value(at);
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
        value(`${path}[${index++}]`);
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
  value('');
  return found;
}
