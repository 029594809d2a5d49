/**
 * The only ways text reaches the report's markup. Column names, file names and
 * the command line are user-controlled: every interpolation into HTML goes
 * through `html` (which escapes it unless it is already a `Markup`), and data
 * for the page's script goes through `jsonScript` (JSON in a non-executing
 * script element, with everything that could end or confuse it escaped).
 */

/** A fragment that is already safe HTML (built by `html`). */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

type Value = Markup | string | number | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Markup) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** A tagged template: the literal parts are trusted markup, every interpolated value is escaped. */
export function html(parts: TemplateStringsArray, ...values: Value[]): Markup {
  let out = parts[0];
  values.forEach((v, i) => {
    out += render(v) + parts[i + 1];
  });
  return new Markup(out);
}

/**
 * JSON that can sit inside <script type="application/json">: `<` (and so any
 * `</script>` or `<!--`), `>`, `&` and the line separators U+2028/U+2029 are
 * written as \u escapes, which JSON.parse reads back as the same characters.
 */
export function jsonScript(value: unknown): string {
  return JSON.stringify(value, finite).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON has no NaN or Infinity; they become null rather than invalid data. */
function finite(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

/**
 * A script's source inlined into <script>: the HTML parser ends the element at
 * the first `</script`, so that sequence (which a bundle may hold in a string
 * or regular expression) is written `<\/script`, the same characters to JS.
 */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}
