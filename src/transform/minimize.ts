/**
 * Data minimization of `extra` (docs/ARCHITECTURE.md, Masking: "a field allowlist drops what no check
 * needs"), configured by LAKE_EXTRA_ALLOWLIST (config.mask.extraAllowlist).
 *
 * - A field this version knows and has no column for (schema.ts, `extra`) is kept only when its
 *   dotted path, or a path above it, is on the allowlist: selfUri, message.message and
 *   message.messageWithParams are dropped by default. Array items add no path segment:
 *   `entityChanges.entityName` applies to every item.
 * - A field this version does not know is always kept (and masked like everything else): it may
 *   be exactly what a new check needs, and dropping it would lose data before anyone has looked
 *   at it. The nightly schema recrawl reports it; listing it in schema.ts then puts it under the
 *   allowlist. Residues of column fields (schema.ts, `column`) are kept the same way.
 *
 * The allowlist and the known fields are compiled once into a plan per source, so minimizing an
 * event builds no path strings.
 */
import type { CanonicalEvent, EventSource } from '../model/canonical';
import { isPlainObject, setField } from './read-fields';
import { KnownField, KnownFields, knownFields } from './schema';

/** What to do with a value: keep it whole, drop it, or apply a plan to its fields (or items). */
type Plan = 'keep' | 'drop' | FieldsPlan;
interface FieldsPlan {
  fields: Map<string, Plan>;
  /** For fields not in `fields`: kept when unknown, dropped inside a known opaque map. */
  other: 'keep' | 'drop';
}

const DROP = Symbol('drop');

export class Minimizer {
  readonly #plans: Record<EventSource, FieldsPlan>;

  constructor(allowlist: readonly string[]) {
    const allowed = new Set(allowlist);
    this.#plans = {
      api: fieldsPlan(knownFields('api'), '', allowed),
      stream: fieldsPlan(knownFields('stream'), '', allowed),
    };
  }

  /** The event with its `extra` minimized; the same event object when nothing was dropped. */
  minimize(event: CanonicalEvent): CanonicalEvent {
    const extra = this.minimizeExtra(event.extra, event.source);
    return extra === event.extra ? event : { ...event, extra };
  }

  minimizeExtra(extra: Record<string, unknown>, source: EventSource): Record<string, unknown> {
    const kept = apply(extra, this.#plans[source]);
    if (kept !== DROP) return kept as Record<string, unknown>;
    for (const _key in extra) return {};
    return extra; // already empty: no new object, so minimize() returns the same event
  }
}

function planFor(known: KnownField | undefined, path: string, allowed: ReadonlySet<string>): Plan {
  if (known === undefined || known === 'column' || allowed.has(path)) return 'keep';
  if (known === 'extra') {
    // An opaque map (context) with allowlisted keys below it (context.reason): keep just those.
    const below = [...allowed].filter((p) => p.startsWith(`${path}.`));
    if (below.length === 0) return 'drop';
    const fields = new Map<string, Plan>();
    for (const p of below) {
      const key = p.slice(path.length + 1).split('.')[0];
      fields.set(key, planFor('extra', `${path}.${key}`, allowed));
    }
    return { fields, other: 'drop' };
  }
  return fieldsPlan(known, path, allowed);
}

function fieldsPlan(known: KnownFields, path: string, allowed: ReadonlySet<string>): FieldsPlan {
  // Array items add no path segment: their fields are planned as the array's own.
  const own = typeof known['[]'] === 'object' ? known['[]'] : known;
  const fields = new Map<string, Plan>();
  for (const key of Object.keys(own)) fields.set(key, planFor(own[key], path === '' ? key : `${path}.${key}`, allowed));
  return { fields, other: 'keep' };
}

/** The value under the plan: itself when nothing was dropped, a copy when something was, DROP when nothing is left. */
function apply(value: unknown, plan: FieldsPlan): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    let keptAny = false;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const kept = apply(item, plan);
      if (kept !== DROP) keptAny = true;
      if (kept === item) continue;
      copy ??= value.slice();
      // A placeholder keeps later items aligned with the property/entity changes they belong to.
      copy[i] = kept === DROP ? (isPlainObject(item) ? {} : null) : kept;
    }
    return keptAny ? (copy ?? value) : DROP;
  }
  // Not the shape this version knows (a string where an object was expected): keep it as sent,
  // unless it sits in an opaque map where only allowlisted keys are kept.
  if (!isPlainObject(value)) return plan.other === 'keep' ? value : DROP;
  let copy: Record<string, unknown> | undefined;
  let keptAny = false;
  let index = 0;
  for (const key in value) {
    const item = value[key];
    const sub = plan.fields.get(key) ?? plan.other;
    const kept = sub === 'keep' ? item : sub === 'drop' ? DROP : apply(item, sub);
    if (kept !== DROP) keptAny = true;
    if (copy === undefined && kept !== item) copy = copyFirst(value, index);
    if (copy !== undefined && kept !== DROP) setField(copy, key, kept);
    index++;
  }
  return keptAny ? (copy ?? value) : DROP;
}

/** A new object with the first `count` fields of `object`. */
function copyFirst(object: Record<string, unknown>, count: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  let i = 0;
  for (const key in object) {
    if (i++ === count) break;
    setField(copy, key, object[key]);
  }
  return copy;
}
