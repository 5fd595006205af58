/** Markup that is already safe: built by the `html` tag (its values escaped) or marked with `trusted`. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('\n');
  if (value === null || value === undefined || value === false) return '';
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * A template tag that escapes every interpolated value (text and attribute context alike),
 * unless it is SafeHtml from another `html` template; arrays are rendered item by item. So no
 * interpolation can be forgotten: lake data (days, ids, summaries, manifest fields) never
 * becomes markup.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Markup the code itself wrote (a constant stylesheet), passed through as it is. */
export const trusted = (markup: string) => new SafeHtml(markup);
