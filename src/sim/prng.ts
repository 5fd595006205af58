import { createHash } from 'node:crypto';

/**
 * Seeded, fast, deterministic randomness. Everything the simulator invents (ids, names, times,
 * anomalies) comes from an Rng keyed by (seed, purpose, day...), so the same seed always yields
 * the same org and the same events, and a day can be generated on its own, in any order.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...key: Array<string | number>) {
    const h = createHash('sha256').update(key.join('\u0000')).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12) | 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** sfc32: small, fast, good enough statistical quality for test data. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Picks by weight; `weights[i]` belongs to `items[i]`. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** Picks by precomputed cumulative weights (see cumulative()): O(log n) for large tables. */
  weightedCumulative<T>(items: readonly T[], cumulativeWeights: Float64Array): T {
    const r = this.next() * cumulativeWeights[cumulativeWeights.length - 1];
    let lo = 0;
    let hi = cumulativeWeights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulativeWeights[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return items[lo];
  }

  hex8(): string {
    return this.u32().toString(16).padStart(8, '0');
  }

  /** A random-looking RFC 4122 version 4 UUID. */
  uuid(): string {
    return formatUuid(this.u32(), this.u32(), this.u32(), this.u32());
  }
}

export function formatUuid(w0: number, w1: number, w2: number, w3: number): string {
  const h0 = (w0 >>> 0).toString(16).padStart(8, '0');
  const h1 = (((w1 & 0xffff0fff) | 0x00004000) >>> 0).toString(16).padStart(8, '0');
  const h2 = (((w2 & 0x3fffffff) | 0x80000000) >>> 0).toString(16).padStart(8, '0');
  const h3 = (w3 >>> 0).toString(16).padStart(8, '0');
  return `${h0}-${h1.slice(0, 4)}-${h1.slice(4)}-${h2.slice(0, 4)}-${h2.slice(4)}${h3}`;
}

/** A stable UUID for a name (an org, a user, a pool entity): the same key, the same id. */
export function stableUuid(...key: Array<string | number>): string {
  return new Rng('uuid', ...key).uuid();
}

/** 32-bit mix (murmur3 finalizer), used to hide the day number inside event ids. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  return out;
}
