import { loadConfig } from '../../config/config';
import { readLocalCredentials } from '../../config/local-credentials';
import { usesEmbeddedS3 } from '../../config/local-defaults';
import { ConfigError } from '../../errors';
import { Masker } from '../../transform/mask';
import { EXIT } from '../output';

export interface LookupResult {
  name: string;
  token: string;
  keyId: string;
  policy: 'keep' | 'pseudonymize' | 'drop';
  /** SQL that finds the person's events by the token (or by the name itself under `keep`). */
  query: string;
  note?: string;
}

/**
 * `gcaudit lookup --name "Jane Doe"`: the token MASK_PERSON_NAMES=pseudonymize stores for a
 * person's name, so an investigator can find their events although the lake never holds the
 * name. Needs MASK_HMAC_KEY (the local stack's generated one works); no connection is opened.
 */
export function lookup(opts: { name?: string; json?: boolean }): number {
  const name = opts.name ?? '';
  if (name.trim() === '') throw new ConfigError('--name: expected a person\'s name, e.g. --name "Jane Doe"');
  const config = loadConfig();
  // The local stack's key only when it exists: a key made up now would give a token nothing matches.
  const hmacKey =
    config.mask.hmacKey ?? (usesEmbeddedS3(config) ? readLocalCredentials(config.dataDir)?.maskHmacKey : undefined);
  if (hmacKey === undefined) {
    throw new ConfigError(
      `MASK_HMAC_KEY: required to compute the token of a name (the key the worker masks with; the local stack keeps its own in ${config.dataDir})`,
    );
  }
  const masker = new Masker({ hmacKey });
  const token = masker.personToken(name);
  const policy = config.mask.personNames;
  const value = policy === 'keep' ? name.trim().replace(/'/g, "''") : token;
  const query =
    `SELECT event_id, event_time, service_name, action, entity_type, entity_id, user_id, property FROM audit_events_all ` +
    `WHERE user_name = '${value}' OR entity_name = '${value}' OR old_value LIKE '%${value}%' OR new_value LIKE '%${value}%' OR extra LIKE '%${value}%' ` +
    `ORDER BY event_time`;
  const result: LookupResult = { name: name.trim(), token, keyId: masker.keyId, policy, query };
  if (policy === 'keep')
    result.note = 'MASK_PERSON_NAMES=keep: the lake holds names as sent, so the query looks for the name itself';
  if (policy === 'drop')
    result.note =
      'MASK_PERSON_NAMES=drop: the lake holds no names nor tokens written under this setting; only days written while pseudonymize was set carry the token';
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT.ok;
  }
  const lines = [
    `${token}`,
    `  the token of this name under the key ${masker.keyId} (case and spacing ignored)`,
    ...(result.note ? [`  note: ${result.note}`] : []),
    "Find the person's events:",
    `  gcaudit query "${query}"`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
