// String helpers with Python 3 semantics. sacreBLEU is Python, so its notion of "whitespace" is
// `str.isspace()` and its notion of "character" is a code point. JavaScript's `\s` differs in both
// directions: it includes U+FEFF (not whitespace in Python) and excludes U+001C-U+001F and U+0085
// (whitespace in Python). Every split, strip and character loop in src/metrics goes through here.

/** The characters for which Python 3.11's `str.isspace()` is true (checked exhaustively). */
const PY_WS_CLASS = '\\t-\\r\\x1c- \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const WS_RUN = new RegExp(`[${PY_WS_CLASS}]+`);
const WS_ANY = new RegExp(`[${PY_WS_CLASS}]+`, 'g');

/** Python's `str.isspace()` for one UTF-16 unit (every Python whitespace character is in the BMP). */
export function isPySpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/** Python's `s.split()`: split on runs of whitespace, no empty strings at either end. */
export function pySplit(s: string): string[] {
  const parts = s.split(WS_RUN);
  if (parts.length > 0 && parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

// A loop, not /\s+$/-style regexes: an anchored-at-end regex retries at every position.
/** Python's `s.rstrip()`. */
export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPySpace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Python's `s.strip()`. */
export function pyStrip(s: string): string {
  let start = 0;
  while (start < s.length && isPySpace(s.charCodeAt(start))) start++;
  return pyRstrip(start === 0 ? s : s.slice(start));
}

/** Python's `' '.join(s.split())`: one space between tokens, none at the ends. */
export function pyNormalizeSpaces(s: string): string {
  return pyStrip(s.replace(WS_ANY, ' '));
}

/** Python's `''.join(s.split())`: every whitespace character removed. */
export function pyRemoveSpaces(s: string): string {
  return s.replace(WS_ANY, '');
}

/** The code points of `s` (Python's `list(s)`); astral characters stay whole. */
export function codePoints(s: string): string[] {
  return Array.from(s);
}
