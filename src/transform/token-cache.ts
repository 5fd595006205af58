/**
 * The tokens of the names and numbers seen lately (an HMAC costs microseconds; a lookup, almost
 * nothing). Two generations: when the current one is full it becomes the previous one, and a hit
 * there moves to the current. Clearing everything when full, as before, dropped the names seen on
 * every event (the org's active users) whenever a day had more distinct values than the cache held,
 * so each later event paid their HMACs again.
 */
export class TokenCache {
  #current = new Map<string, string>();
  #previous = new Map<string, string>();
  // The last value asked for: consecutive events are mostly the same user's, and comparing two
  // short strings is cheaper than a lookup in a map of thousands (a cache miss in the CPU's).
  #lastKey: string | undefined;
  #lastValue = '';

  /** `size`: entries per generation (at most twice that are held). */
  constructor(private readonly size: number) {}

  get(key: string, compute: (key: string) => string): string {
    if (key === this.#lastKey) return this.#lastValue;
    let value = this.#current.get(key);
    if (value === undefined) {
      value = this.#previous.get(key) ?? compute(key);
      if (this.#current.size >= this.size) {
        this.#previous = this.#current;
        this.#current = new Map();
      }
      this.#current.set(key, value);
    }
    this.#lastKey = key;
    this.#lastValue = value;
    return value;
  }
}
