/**
 * Masking before anything leaves the worker (docs/ARCHITECTURE.md, Masking): in every string of an event,
 * columns and `extra` alike, nested arrays and maps included (keys too), emails become
 * `***@domain` and phone numbers `phone#<keyId>:<16 hex>`, a keyed HMAC-SHA256 of the number's
 * normal form (+<country code><number>). A plain hash of a phone number is reversible by trying
 * every number; an HMAC is not without the key. Numbers, booleans and null pass untouched.
 *
 * Copy on write: a value without PII comes back as the same object, so clean data costs no
 * allocation and the input is never modified.
 */
import { KeyObject, createHash, createHmac, createSecretKey } from 'node:crypto';
import type { Secret } from '../config/secret';
import { ConfigError, InvalidDataError } from '../errors';
import type { CanonicalEvent, CanonicalPropertyChange } from '../model/canonical';
import { maskEmails } from './email';
import { PHONE_HINT, PhoneCountries, PhoneFinder } from './phone';
import { type NamedFields, normalName } from './person-names';
import { setField } from './read-fields';
import { TokenCache } from './token-cache';

export interface MaskerOptions {
  hmacKey: Secret;
  /** ISO codes of the countries whose national phone formats are recognized (MASK_PHONE_COUNTRIES). */
  phoneCountries?: PhoneCountries;
}

const MIN_KEY_LENGTH = 32;
// Phone numbers and names repeat (the same agents, the same DIDs); an HMAC costs a few microseconds.
const CACHE_SIZE = 10_000;
// Deeper nesting than any audit record has; stops a hostile record from exhausting the stack.
const MAX_DEPTH = 64;
// Every email and phone pattern needs one of these; most strings have none and stop here.
const PII_HINT = new RegExp(`@|${PHONE_HINT.source}`);
// Shorter than the shortest email (a@b.co) and phone (+1234567): keys, enum values, flags.
const MIN_PII_LENGTH = 6;
const TOKEN_HEX = 16;
const TOKEN_TAIL = new RegExp(`^[0-9a-f]{${TOKEN_HEX}}$`);

export class Masker {
  /** Names the key in manifests without revealing it: the first 8 hex digits of its SHA-256. */
  readonly keyId: string;
  readonly #key: KeyObject;
  readonly #phones: PhoneFinder;
  readonly #tokens = new TokenCache(CACHE_SIZE);
  readonly #persons = new TokenCache(CACHE_SIZE);
  /** Object keys already found clean: a few dozen field names, seen on every event. */
  readonly #cleanKeys = new Set<string>();
  readonly #token = (normal: string): string => this.phoneToken(normal);
  readonly #phonePrefix: string;
  readonly #personPrefix: string;

  constructor(options: MaskerOptions) {
    const key = options.hmacKey.reveal();
    if (key.length < MIN_KEY_LENGTH)
      throw new ConfigError(`MASK_HMAC_KEY: expected at least ${MIN_KEY_LENGTH} characters`);
    this.#key = createSecretKey(Buffer.from(key, 'utf8'));
    this.keyId = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 8);
    this.#phonePrefix = `phone#${this.keyId}:`;
    this.#personPrefix = `person#${this.keyId}:`;
    try {
      this.#phones = new PhoneFinder(options.phoneCountries ?? []);
    } catch (err) {
      throw new ConfigError(`MASK_PHONE_COUNTRIES: ${(err as Error).message}`);
    }
  }

  /** The token of a phone number given in normal form (`+15551234567`). */
  phoneToken(normal: string): string {
    return this.#tokens.get(normal, this.#newPhoneToken);
  }

  /** The token of a person's name (case, spacing and Unicode form ignored): `person#<keyId>:<16 hex>`. */
  personToken(name: string): string {
    // Cached by the name as written: the same spelling recurs on every event of a user, and its
    // Unicode normalization costs as much as the lookup saves. Domain-separated from phone
    // tokens: a name never gives a phone's token.
    return this.#persons.get(name, this.#newPersonToken);
  }

  readonly #newPhoneToken = (normal: string): string => `${this.#phonePrefix}${this.#mac(normal)}`;
  readonly #newPersonToken = (name: string): string =>
    `${this.#personPrefix}${this.#mac(`person\u0000${normalName(name)}`)}`;

  /** The first 16 hex digits of the HMAC-SHA256 of `text` under the key. */
  #mac(text: string): string {
    return createHmac('sha256', this.#key).update(text, 'utf8').digest('hex').slice(0, TOKEN_HEX);
  }

  /**
   * The whole text is one of our tokens (a pseudonymized name in user_name, say): it holds nothing
   * but hex, so there is nothing to look for in it. Without this, every pseudonymized name went
   * through the PII patterns again.
   */
  #isOwnToken(text: string): boolean {
    const prefix =
      text.length === this.#personPrefix.length + TOKEN_HEX
        ? this.#personPrefix
        : text.length === this.#phonePrefix.length + TOKEN_HEX
          ? this.#phonePrefix
          : undefined;
    return prefix !== undefined && text.startsWith(prefix) && TOKEN_TAIL.test(text.slice(prefix.length));
  }

  maskString(text: string): string {
    if (text.length < MIN_PII_LENGTH || this.#isOwnToken(text) || !PII_HINT.test(text)) return text;
    const masked = text.includes('@') ? maskEmails(text) : text;
    return PHONE_HINT.test(masked) ? this.#phones.replace(masked, this.#token) : masked;
  }

  maskNullable(text: string | null): string | null {
    return text === null ? null : this.maskString(text);
  }

  /** Any JSON value, recursively. */
  maskValue<T>(value: T): T {
    return this.#mask(value, 0) as T;
  }

  /**
   * Every string of the event except its time and source, which are ours. With `named`
   * (PersonNames.apply), its name fields are read instead of the event's, and its `inText` runs
   * first on each text of `extra` and of the property changes' values, in the same walk.
   */
  maskEvent(event: CanonicalEvent, named?: NamedFields): CanonicalEvent {
    const fields = named ?? event;
    const inText = named?.inText;
    return {
      eventId: this.maskString(event.eventId),
      eventTime: event.eventTime,
      serviceName: this.maskNullable(event.serviceName),
      level: this.maskNullable(event.level),
      action: this.maskNullable(event.action),
      status: this.maskNullable(event.status),
      entityType: this.maskNullable(event.entityType),
      entityId: this.maskNullable(event.entityId),
      entityName: this.#maskName(event.entityName, fields.entityName),
      userId: this.maskNullable(event.userId),
      userName: this.#maskName(event.userName, fields.userName),
      clientId: this.maskNullable(event.clientId),
      remoteIp: this.maskNullable(event.remoteIp),
      transactionId: this.maskNullable(event.transactionId),
      source: event.source,
      propertyChanges: this.#maskChanges(fields.propertyChanges, inText),
      extra: this.#mask(fields.extra, 0, inText) as Record<string, unknown>,
    };
  }

  /** A name column: a name that PersonNames replaced is our token (or null), with nothing left to mask. */
  #maskName(original: string | null, named: string | null): string | null {
    return named === original ? this.maskNullable(original) : named;
  }

  #maskKey(key: string): string {
    if (this.#cleanKeys.has(key)) return key;
    const masked = this.maskString(key);
    if (masked === key) {
      if (this.#cleanKeys.size >= CACHE_SIZE) this.#cleanKeys.clear();
      this.#cleanKeys.add(key);
    }
    return masked;
  }

  #maskChanges(changes: CanonicalPropertyChange[], inText?: (text: string) => string): CanonicalPropertyChange[] {
    let copy: CanonicalPropertyChange[] | undefined;
    for (let i = 0; i < changes.length; i++) {
      const change = changes[i];
      const property = this.maskNullable(change.property);
      const oldValues = this.#mask(change.oldValues, 0, inText) as string[];
      const newValues = this.#mask(change.newValues, 0, inText) as string[];
      if (property === change.property && oldValues === change.oldValues && newValues === change.newValues) continue;
      copy ??= changes.slice();
      copy[i] = { property, oldValues, newValues };
    }
    return copy ?? changes;
  }

  #mask(value: unknown, depth: number, inText?: (text: string) => string): unknown {
    if (typeof value === 'string') return this.maskString(inText === undefined ? value : inText(value));
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH)
      throw new InvalidDataError(`audit record nested deeper than ${MAX_DEPTH} levels`, { defect: 'too_deep' });
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const masked = this.#mask(item, depth + 1, inText);
        if (masked === item) continue;
        copy ??= value.slice();
        copy[i] = masked;
      }
      return copy ?? value;
    }
    const object = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    const keys = Object.keys(object);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const item = object[key];
      const maskedKey = this.#maskKey(key);
      const masked = this.#mask(item, depth + 1, inText);
      if (copy === undefined) {
        if (maskedKey === key && masked === item) continue;
        copy = {};
        for (let j = 0; j < i; j++) setField(copy, keys[j], object[keys[j]]);
      }
      setField(copy, maskedKey, masked);
    }
    return copy ?? object;
  }
}
