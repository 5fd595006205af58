/**
 * Names of people, by policy (MASK_PERSON_NAMES): `keep` them, `pseudonymize` them (a keyed HMAC
 * token per name, Masker.personToken: the same name gives the same token on every day, so an
 * investigator with the key finds a person's events with `gcaudit lookup --name`), or `drop` them.
 *
 * Where names of people are: the acting user's name (user.name, username.name, userDisplay: the
 * user_name column and extra.userDisplay), the entity's name when the entity is a person (a user
 * or a contact: entity_name), the values of name properties of such an entity (name, firstName,
 * ...), message params that name a user (userName) or a person entity (entityName), and
 * entityChanges of person entities. A name found there is also replaced wherever else it
 * appears in the same event as a whole word (a message text that repeats it, say).
 *
 * Runs after minimization and before masking, so a name that is an email address becomes a
 * person token, not `***@domain`, and emails and phones in kept names are still masked. The
 * replacement of a name elsewhere in the event's texts happens in the masker's one walk over its
 * strings (NamedFields.inText): a second walk of every event cost more than the rest of the naming.
 */
import type { CanonicalEvent, CanonicalPropertyChange } from '../model/canonical';
import { isPlainObject, setField } from './read-fields';

export type PersonNamePolicy = 'keep' | 'pseudonymize' | 'drop';
export const PERSON_NAME_POLICIES: readonly PersonNamePolicy[] = ['keep', 'pseudonymize', 'drop'];

/** What a dropped name inside a list or a text becomes (a column becomes null, a map entry goes). */
export const DROPPED_NAME = '[name dropped]';

/** Entity types whose entity is a person: its name is a person's name. */
export const PERSON_ENTITY_TYPES: ReadonlySet<string> = new Set([
  'User',
  'AuthUser',
  'UserPresence',
  'AgentRoutingInfo',
  'UserSamlAuthentication',
  'VoicemailUserPolicy',
  'ActivityPlanOccurrenceSessionUser',
  'Contact',
  'ExternalContact',
]);

/** Properties of a person entity whose values are names (compared in lower case). */
const NAME_PROPERTIES = new Set([
  'name',
  'displayname',
  'firstname',
  'lastname',
  'middlename',
  'givenname',
  'familyname',
  'fullname',
  'preferredname',
  'nickname',
  'username',
]);
/** Message params and extra fields that name a user, whatever the entity (compared in lower case). */
const USER_NAME_KEYS = new Set([
  'username',
  'userdisplay',
  'userdisplayname',
  'displayname',
  'fullname',
  'agentname',
  'managername',
  'granteename',
]);

// Shorter names ("Al") would replace parts of other words' neighbourhoods too readily in texts.
const MIN_EMBEDDED_NAME = 3;
const MAX_DEPTH = 64;

/**
 * The fields of an event that hold names of people, with the names replaced (or dropped), and how
 * to replace them in its texts. The masker reads these instead of the event's own fields
 * (Masker.maskEvent), so naming an event copies no event.
 */
export interface NamedFields {
  userName: string | null;
  entityName: string | null;
  propertyChanges: CanonicalPropertyChange[];
  extra: Record<string, unknown>;
  /**
   * Replaces the event's names where they appear as whole words in a text of its `extra` or of its
   * property changes' values (a message that repeats a name); undefined when there is none to look for.
   */
  inText: ((text: string) => string) | undefined;
}

export class PersonNames {
  #oneName: string | undefined;
  #inOneName: ((text: string) => string) | undefined;

  constructor(
    readonly policy: PersonNamePolicy,
    private readonly token: (name: string) => string,
  ) {}

  /** The event's name fields with names of people replaced (or dropped); undefined under `keep` or when it names nobody. */
  apply(event: CanonicalEvent): NamedFields | undefined {
    if (this.policy === 'keep') return undefined;
    const found: string[] = [];
    const personEntity = event.entityType !== null && PERSON_ENTITY_TYPES.has(event.entityType);
    const userName = this.#column(event.userName, found);
    const entityName = personEntity ? this.#column(event.entityName, found) : event.entityName;
    const propertyChanges = personEntity ? this.#nameChanges(event.propertyChanges, found) : event.propertyChanges;
    const extra = this.#namedExtra(event.extra, personEntity, found);
    if (found.length === 0) return undefined;
    return { userName, entityName, propertyChanges, extra, inText: this.#inText(embeddedNames(found)) };
  }

  #inText(names: readonly string[]): ((text: string) => string) | undefined {
    if (names.length === 0) return undefined;
    if (names.length > 1) return (text) => this.#replaceIn(text, names);
    // The usual case, one name (the acting user's, often the previous event's too): most texts
    // are shorter or lack it.
    const name = names[0];
    if (name !== this.#oneName) {
      this.#oneName = name;
      this.#inOneName = (text) =>
        text.length < name.length || !text.includes(name) ? text : this.#replaceIn(text, names);
    }
    return this.#inOneName;
  }

  /**
   * A raw record that could not be normalized (for quarantine), in either source shape or inside
   * an EventBridge envelope: the same fields, read where the source puts them. Copy on write.
   */
  applyRaw(record: unknown): unknown {
    if (this.policy === 'keep' || !isPlainObject(record)) return record;
    const detail = record.detail;
    if (isPlainObject(detail) && isPlainObject(detail.eventBody)) {
      const eventBody = this.applyRaw(detail.eventBody);
      return eventBody === detail.eventBody ? record : { ...record, detail: { ...detail, eventBody } };
    }
    const found: string[] = [];
    const name = (value: unknown): unknown =>
      typeof value === 'string' && value.trim() !== '' ? this.#value(value, found) : value;
    const person = typeof record.entityType === 'string' && PERSON_ENTITY_TYPES.has(record.entityType);
    const out: Record<string, unknown> = { ...record };
    for (const key of ['user', 'username'] as const)
      if (isPlainObject(record[key]) && 'name' in record[key])
        out[key] = { ...record[key], name: name(record[key].name) };
    if ('userDisplay' in record) out.userDisplay = name(record.userDisplay);
    if (person && isPlainObject(record.entity) && 'name' in record.entity)
      out.entity = { ...record.entity, name: name(record.entity.name) };
    if (person && Array.isArray(record.propertyChanges)) {
      out.propertyChanges = record.propertyChanges.map((c: unknown) => {
        if (!isPlainObject(c) || typeof c.property !== 'string' || !NAME_PROPERTIES.has(c.property.toLowerCase()))
          return c;
        const values = (v: unknown) => (Array.isArray(v) ? v.map(name) : v);
        return { ...c, oldValues: values(c.oldValues), newValues: values(c.newValues) };
      });
    }
    const named = this.#namedExtra(out, person, found);
    if (found.length === 0) return record;
    return this.#embedded(named, embeddedNames(found), 0);
  }

  /** A name column's value: its token, or null when names are dropped. */
  #column(name: string | null, found: string[]): string | null {
    if (name === null || name.trim() === '') return name;
    remember(found, name);
    return this.policy === 'drop' ? null : this.token(name);
  }

  #value(name: string, found: string[]): string {
    if (name.trim() === '') return name;
    remember(found, name);
    return this.policy === 'drop' ? DROPPED_NAME : this.token(name);
  }

  #nameChanges(changes: CanonicalPropertyChange[], found: string[]): CanonicalPropertyChange[] {
    let copy: CanonicalPropertyChange[] | undefined;
    for (let i = 0; i < changes.length; i++) {
      const change = changes[i];
      if (change.property === null || !NAME_PROPERTIES.has(change.property.toLowerCase())) continue;
      copy ??= changes.slice();
      copy[i] = {
        property: change.property,
        oldValues: change.oldValues.map((v) => this.#value(v, found)),
        newValues: change.newValues.map((v) => this.#value(v, found)),
      };
    }
    return copy ?? changes;
  }

  /** userDisplay, message params naming a user (or the person entity), entityChanges of person entities. */
  #namedExtra(extra: Record<string, unknown>, personEntity: boolean, found: string[]): Record<string, unknown> {
    // Most events have none of these: answered without copies, closures or key lists.
    if (
      extra.userDisplay === undefined &&
      extra.entityChanges === undefined &&
      !namesInParams(extra.message, personEntity)
    )
      return extra;
    let copy: Record<string, unknown> | undefined;
    const put = (key: string, value: unknown) => {
      copy ??= { ...extra };
      if (value === undefined) delete copy[key];
      else setField(copy, key, value);
    };
    if (typeof extra.userDisplay === 'string' && extra.userDisplay.trim() !== '') {
      const replaced = this.#value(extra.userDisplay, found);
      put('userDisplay', this.policy === 'drop' ? undefined : replaced);
    }
    const message = extra.message;
    if (isPlainObject(message) && isPlainObject(message.messageParams)) {
      const params = message.messageParams;
      let newParams: Record<string, unknown> | undefined;
      for (const key of Object.keys(params)) {
        const value = params[key];
        if (typeof value !== 'string') continue;
        if (!isNameParam(key, personEntity)) continue;
        newParams ??= { ...params };
        if (this.policy === 'drop') {
          remember(found, value);
          delete newParams[key];
        } else newParams[key] = this.#value(value, found);
      }
      if (newParams !== undefined) put('message', { ...message, messageParams: newParams });
    }
    if (Array.isArray(extra.entityChanges)) {
      let changed = false;
      const entityChanges = extra.entityChanges.map((item: unknown) => {
        if (
          !isPlainObject(item) ||
          typeof item.entityType !== 'string' ||
          !PERSON_ENTITY_TYPES.has(item.entityType) ||
          typeof item.entityName !== 'string'
        )
          return item;
        changed = true;
        return { ...item, entityName: this.#value(item.entityName, found) };
      });
      if (changed) put('entityChanges', entityChanges);
    }
    return copy ?? extra;
  }

  /** Every whole-word occurrence of the event's names in strings of `value`, replaced (copy on write). */
  #embedded(value: unknown, names: readonly string[], depth: number): unknown {
    if (names.length === 0) return value;
    if (typeof value === 'string') return this.#replaceIn(value, names);
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const replaced = this.#embedded(item, names, depth + 1);
        if (replaced === item) continue;
        copy ??= value.slice();
        copy[i] = replaced;
      }
      return copy ?? value;
    }
    const object = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key in object) {
      const item = object[key];
      const replaced = this.#embedded(item, names, depth + 1);
      if (replaced === item) continue;
      copy ??= { ...object };
      setField(copy, key, replaced);
    }
    return copy ?? object;
  }

  #replaceIn(text: string, names: readonly string[]): string {
    // Longest first: the shortest name is the last.
    if (text.length < names[names.length - 1].length) return text;
    let out = text;
    for (const name of names) {
      let at = out.indexOf(name);
      while (at >= 0) {
        const end = at + name.length;
        if (isBoundary(out, at - 1) && isBoundary(out, end)) {
          const replacement = this.policy === 'drop' ? DROPPED_NAME : this.token(name);
          out = out.slice(0, at) + replacement + out.slice(end);
          at = out.indexOf(name, at + replacement.length);
        } else at = out.indexOf(name, end);
      }
    }
    return out;
  }
}

/** The names to look for in texts, longest first (so "Ann Lee" goes before "Ann"); too short ones are not. */
function embeddedNames(found: readonly string[]): readonly string[] {
  if (found.length === 1) return found[0].length >= MIN_EMBEDDED_NAME ? found : [];
  return found.filter((n) => n.length >= MIN_EMBEDDED_NAME).sort((a, b) => b.length - a.length);
}

/** A message param whose value is a person's name: one naming a user, or the entity when it is a person. */
function isNameParam(key: string, personEntity: boolean): boolean {
  const lower = key.toLowerCase();
  return USER_NAME_KEYS.has(lower) || (personEntity && lower === 'entityname');
}

/** The message has a param naming a person, with a text value. */
function namesInParams(message: unknown, personEntity: boolean): boolean {
  if (!isPlainObject(message) || !isPlainObject(message.messageParams)) return false;
  const params = message.messageParams;
  for (const key in params) if (typeof params[key] === 'string' && isNameParam(key, personEntity)) return true;
  return false;
}

/** Adds a name to those found in an event (a handful at most: a list beats a set). */
function remember(found: string[], name: string): void {
  if (!found.includes(name)) found.push(name);
}

/** Position `i` of `text` is outside it or not a letter or digit. */
function isBoundary(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return true;
  return !/[\p{L}\p{N}_]/u.test(text[i]);
}

/** A name in the form its token is computed from: Unicode-normalized, trimmed, single spaces, lower case. */
export function normalName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}
