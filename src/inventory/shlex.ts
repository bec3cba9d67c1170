/**
 * Python's `shlex.split(line, comments=True)` in POSIX mode, which Ansible's INI inventory uses
 * to split a host line into `name key=value ...` (plugins/inventory/ini.py). Ported from
 * CPython's shlex.read_token because the npm `shlex` package has no comment support and
 * parses bash's $'...' strings, which Python does not; the INI values must match Ansible's.
 * Throws a plain Error with Python's message on an unclosed quote or trailing escape.
 */
export function shlexSplit(line: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let quoted = false;
  let state: 'space' | 'word' | "'" | '"' | 'escape' = 'space';
  let escapedFrom: 'word' | '"' = 'word';
  const push = () => {
    if (token !== '' || quoted) tokens.push(token);
    token = '';
    quoted = false;
  };
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (state === 'escape') {
      // Inside double quotes only the quote and the backslash itself can be escaped.
      if (escapedFrom === '"' && ch !== '"' && ch !== '\\') token += '\\';
      token += ch;
      state = escapedFrom;
    } else if (state === "'" || state === '"') {
      quoted = true;
      if (ch === state) state = 'word';
      else if (state === '"' && ch === '\\') {
        escapedFrom = '"';
        state = 'escape';
      } else token += ch;
    } else if (/\s/.test(ch)) {
      if (state === 'word') push();
      state = 'space';
    } else if (ch === '#') {
      // A comment runs to the end of the line, even in the middle of a word.
      break;
    } else if (ch === '\\') {
      escapedFrom = 'word';
      state = 'escape';
    } else if (ch === "'" || ch === '"') {
      state = ch;
    } else {
      token += ch;
      state = 'word';
    }
  }
  if (state === "'" || state === '"') throw new Error('No closing quotation');
  if (state === 'escape') throw new Error('No escaped character');
  push();
  return tokens;
}
