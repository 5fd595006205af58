/**
 * String fields of a JSON text that may be cut short or otherwise broken: what is needed to fetch
 * the full record of an event whose text does not parse (its id and eventTime, the topic). Reads
 * `"key": "string"` pairs at the exact paths asked for, before the text breaks; a path names object
 * keys from the top (`detail.eventBody.id`) and nothing inside an array matches, so `username.id`
 * or the envelope's own `id` is never taken for the audit's `id`.
 */
export function salvageStrings(text: string, paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const want = new Set(paths);
  // One frame per open object or array; an object's frame holds the key whose value is being read.
  const stack: Array<{ array: boolean; key?: string; expectKey: boolean }> = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const top = stack[stack.length - 1];
    if (ch === '"') {
      const end = stringEnd(text, i);
      if (end === -1) break;
      const literal = text.slice(i, end + 1);
      i = end + 1;
      if (top === undefined || top.array) continue;
      let value: string;
      try {
        value = JSON.parse(literal) as string;
      } catch {
        break;
      }
      if (top.expectKey) {
        top.key = value;
        top.expectKey = false;
      } else if (top.key !== undefined) {
        const path = stack.map((f) => (f.array ? '[]' : f.key)).join('.');
        if (want.has(path) && !(path in out)) out[path] = value;
        top.key = undefined;
      }
      continue;
    }
    if (ch === '{' || ch === '[') {
      stack.push({ array: ch === '[', expectKey: ch === '{' });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      // The value of the parent's key is done.
      const parent = stack[stack.length - 1];
      if (parent && !parent.array) parent.key = undefined;
    } else if (ch === ',' && top !== undefined && !top.array) {
      top.expectKey = true;
      top.key = undefined;
    }
    i++;
  }
  return out;
}

/** Top-level string fields of a JSON object text (see salvageStrings). */
export function salvageTopLevelStrings(text: string, wanted: readonly string[]): Record<string, string> {
  return salvageStrings(text, wanted);
}

/** Index of the closing quote of the string starting at `start`, or -1 when the text ends first. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
