/**
 * Text from the user's files (header names, paths, cells) shown on a terminal. A header
 * cell holding ESC sequences could otherwise move the cursor, rewrite earlier lines or
 * set the window title; a newline would forge a second line of output. Each control
 * character becomes a visible escape instead: C0 and C1 controls, DEL, the Unicode line
 * and paragraph separators and the bidirectional overrides that reorder what is shown.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string, opts: { keepNewlines?: boolean } = {}): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return opts.keepNewlines ? c : '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}


/**
 * The same characters for text that another layer unescapes (Vega reads titles into
 * expression strings, where `\x1b` would become ESC again): each C0 control becomes its
 * Unicode "control picture" (ESC -> ␛, newline -> ␤), anything else unsafe -> U+FFFD.
 */
export function pictured(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return '\ufffd';
  });
}
