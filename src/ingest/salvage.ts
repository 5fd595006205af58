/**
 * Top-level string fields of a JSON object text that may be cut short or otherwise broken: what
 * is needed to fetch the full record of an unparsable eventBody (its id and eventTime). Reads
 * only `"key": "string"` pairs at depth 1 before the text breaks; nested objects are skipped, so
 * `username.id` is never taken for the audit's `id`.
 */
export function salvageTopLevelStrings(text: string, wanted: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const want = new Set(wanted);
  let depth = 0;
  let i = 0;
  let pendingKey: string | undefined;
  let expectKey = false;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const end = stringEnd(text, i);
      if (end === -1) break;
      const literal = text.slice(i, end + 1);
      i = end + 1;
      if (depth !== 1) continue;
      let value: string;
      try {
        value = JSON.parse(literal) as string;
      } catch {
        break;
      }
      if (expectKey) {
        pendingKey = value;
        expectKey = false;
      } else if (pendingKey !== undefined) {
        if (want.has(pendingKey) && !(pendingKey in out)) out[pendingKey] = value;
        pendingKey = undefined;
      }
      continue;
    }
    if (ch === '{' || ch === '[') {
      depth++;
      if (depth === 1 && ch === '{') expectKey = true;
      else if (depth === 2) pendingKey = undefined;
    } else if (ch === '}' || ch === ']') {
      depth--;
    } else if (ch === ',' && depth === 1) {
      expectKey = true;
      pendingKey = undefined;
    }
    i++;
  }
  return out;
}

/** Index of the closing quote of the string starting at `start`, or -1 when the text ends first. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
