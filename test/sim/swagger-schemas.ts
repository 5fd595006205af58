/**
 * Response validation against the official swagger (a copy of genesys-audit-openapi.yml in
 * fixtures/). Swagger 2.0 definitions are JSON Schema with `#/definitions/X` references, so
 * they compile with Ajv as they are, with two tightenings and one allowance:
 * - every object definition is closed (additionalProperties: false), so the simulator cannot
 *   send a field the contract does not have;
 * - int32/int64 are checked as integers, `interval` as an ISO-8601 interval;
 * - `uri` accepts relative references: Genesys' own selfUri values are paths (/api/v2/users/...).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

type Schema = Record<string, unknown>;
interface Swagger {
  paths: Record<
    string,
    Record<string, { operationId: string; responses: Record<string, { schema?: { $ref: string } }> }>
  >;
  definitions: Record<string, Schema>;
}

export const swagger = YAML.parse(
  readFileSync(path.join(__dirname, 'fixtures', 'genesys-audit-openapi.yml'), 'utf8'),
) as Swagger;

function close(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined)
    out.additionalProperties = false;
  if (out.properties)
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Record<string, Schema>).map(([k, v]) => [k, close(v)]),
    );
  if (out.items) out.items = close(out.items as Schema);
  // Draft-4 style: a $ref with siblings (description) -- keep only the $ref.
  if (out.$ref) return { $ref: out.$ref };
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv, ['date-time']);
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
ajv.addFormat('uri', (s: string) => /^(https?:\/\/[^\s]+|\/[^\s]*)$/.test(s));
ajv.addFormat('interval', (s: string) => /^[^/\s]+\/[^/\s]+$/.test(s));
ajv.addSchema({
  $id: 'swagger',
  definitions: Object.fromEntries(Object.entries(swagger.definitions).map(([k, v]) => [k, close(v)])),
});

const cache = new Map<string, ValidateFunction>();

/** The validator of a definition, e.g. 'AuditLogMessage'. */
export function definition(name: string): ValidateFunction {
  let v = cache.get(name);
  if (!v) {
    v = ajv.getSchema(`swagger#/definitions/${name}`);
    if (!v) throw new Error(`no definition ${name}`);
    cache.set(name, v);
  }
  return v;
}

/** The definition the swagger names for an operation's response status. */
export function responseDefinition(operationId: string, status: number): string {
  for (const ops of Object.values(swagger.paths)) {
    for (const op of Object.values(ops)) {
      if (op.operationId !== operationId) continue;
      const ref = op.responses[String(status)]?.schema?.$ref;
      if (!ref) throw new Error(`${operationId} documents no ${status} response`);
      return ref.replace('#/definitions/', '');
    }
  }
  throw new Error(`no operation ${operationId}`);
}

/** Throws with Ajv's errors unless `body` is a valid `status` response of the operation. */
export function assertResponse(operationId: string, status: number, body: unknown): void {
  const name = responseDefinition(operationId, status);
  const v = definition(name);
  if (!v(body)) throw new Error(`${operationId} ${status} is not a valid ${name}: ${ajv.errorsText(v.errors)}`);
}
