/**
 * Response validation against the official SDK's models (purecloud-platform-client-v2's
 * index.d.ts, namespace Models): each interface becomes a closed object schema (no field the
 * model does not have, every field the model requires), each field checked for its declared
 * type (string, number, boolean, arrays, maps, other models). The SDK's JS deserializes
 * without checking anything, so this is what holds the simulator to the SDK's wire shapes.
 */
import { readFileSync } from 'node:fs';

type Field = { type: string; required: boolean };
const models = new Map<string, Map<string, Field>>();

(function parse() {
  const text = readFileSync(require.resolve('purecloud-platform-client-v2/index.d.ts'), 'utf8');
  const start = text.indexOf('declare namespace Models {');
  if (start < 0) throw new Error('purecloud-platform-client-v2: no Models namespace in index.d.ts');
  let current: Map<string, Field> | undefined;
  for (const line of text.slice(start).split('\n')) {
    const open = /^\texport interface (\w+) \{/.exec(line);
    if (open) {
      current = new Map();
      models.set(open[1], current);
      continue;
    }
    if (/^\t\}/.test(line)) {
      current = undefined;
      continue;
    }
    const field = /^\t\t"([^"]+)"(\??): (.+);$/.exec(line);
    if (current && field) current.set(field[1], { type: field[3].trim(), required: field[2] !== '?' });
  }
})();

/** The problems of `value` as a `model`, with paths; empty when it conforms. */
export function modelErrors(model: string, value: unknown, at = model): string[] {
  const fields = models.get(model);
  if (!fields) return [`${at}: the SDK has no model ${model}`];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: expected an object`];
  const errors: string[] = [];
  const record = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(record)) {
    const f = fields.get(k);
    if (!f) errors.push(`${at}.${k}: not a field of ${model}`);
    else if (v !== undefined) errors.push(...typeErrors(f.type, v, `${at}.${k}`));
  }
  for (const [k, f] of fields) if (f.required && record[k] === undefined) errors.push(`${at}.${k}: required`);
  return errors;
}

function typeErrors(type: string, v: unknown, at: string): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(v)) return [`${at}: expected an array`];
    return v.flatMap((x, i) => typeErrors(array[1], x, `${at}[${i}]`));
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof v !== 'object' || v === null) return [`${at}: expected a map`];
    return Object.entries(v).flatMap(([k, x]) => typeErrors(map[1], x, `${at}.${k}`));
  }
  const ref = /^Models\.(\w+)$/.exec(type);
  if (ref) return modelErrors(ref[1], v, at);
  if (type === 'string' || type === 'number' || type === 'boolean')
    return typeof v === type ? [] : [`${at}: expected a ${type}, got ${JSON.stringify(v)}`];
  if (/^"/.test(type)) {
    const allowed = type.split(' | ').map((s) => JSON.parse(s) as string);
    return allowed.includes(v as string) ? [] : [`${at}: ${JSON.stringify(v)} is not one of ${type}`];
  }
  return typeof v === 'object' ? [] : [`${at}: expected ${type}`];
}

/** Throws with every problem unless `value` is a valid SDK `model`. */
export function assertModel(model: string, value: unknown): void {
  const errors = modelErrors(model, value);
  if (errors.length) throw new Error(`not a valid ${model}:\n  ${errors.slice(0, 20).join('\n  ')}`);
}
