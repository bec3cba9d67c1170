import { PythonRegexError } from './python-regex.ts';

// Python's replacement templates (re.sub's repl, match.expand): what lineinfile's `line` with
// backrefs and replace's `replace` mean. Ported from sre_parse.parse_template (3.11): \1..\99,
// \g<n> and \g<name>, octal \0nn and \nnn, \a \b \f \n \r \t \v \\; other escapes of ASCII
// letters are errors, any other escaped char keeps its backslash; an unmatched group is ''.

type TemplatePart = string | { group: number | string };

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** The groups a RegExp has: how many, and their names. */
function groupsOf(regex: RegExp): { count: number; names: Set<string> } {
  const probe = new RegExp(`${regex.source}|`, regex.flags.replace('g', '')).exec('')!;
  return { count: probe.length - 1, names: new Set(Object.keys(probe.groups ?? {})) };
}

export function parseTemplate(template: string, regex: RegExp): TemplatePart[] {
  const { count, names } = groupsOf(regex);
  const parts: TemplatePart[] = [];
  const literal = (text: string) => {
    if (typeof parts[parts.length - 1] === 'string') parts[parts.length - 1] += text;
    else parts.push(text);
  };
  const group = (index: number) => {
    if (index > count) throw new PythonRegexError(`invalid group reference ${index} in ${JSON.stringify(template)}`);
    parts.push({ group: index });
  };
  for (let i = 0; i < template.length; i++) {
    const char = template[i];
    if (char !== '\\' || i + 1 >= template.length) {
      literal(char);
      continue;
    }
    const next = template[++i];
    if (next === 'g') {
      const match = /^<([^>]*)>/.exec(template.slice(i + 1));
      if (!match) throw new PythonRegexError(`missing <name> after \\g in ${JSON.stringify(template)}`);
      i += match[0].length;
      const name = match[1];
      if (/^[A-Za-z_]\w*$/.test(name)) {
        if (!names.has(name)) throw new PythonRegexError(`unknown group name '${name}' in ${JSON.stringify(template)}`);
        parts.push({ group: name });
      } else if (/^\d+$/.test(name)) group(Number(name));
      else throw new PythonRegexError(`bad character in group name '${name}' in ${JSON.stringify(template)}`);
    } else if (next === '0') {
      const digits = /^[0-7]{0,2}/.exec(template.slice(i + 1))![0];
      i += digits.length;
      literal(String.fromCharCode(Number.parseInt(`0${digits}`, 8) & 0xff));
    } else if (/\d/.test(next)) {
      const rest = template.slice(i + 1);
      const octal = /^[0-7][0-7]/.exec(rest);
      if (/[0-7]/.test(next) && octal) {
        i += 2;
        literal(String.fromCharCode(Number.parseInt(next + octal[0], 8)));
      } else if (/^\d/.test(rest)) {
        i += 1;
        group(Number(next + rest[0]));
      } else group(Number(next));
    } else if (next in ESCAPES) literal(ESCAPES[next]);
    else if (/[A-Za-z]/.test(next)) throw new PythonRegexError(`bad escape \\${next} in ${JSON.stringify(template)}`);
    else literal(`\\${next}`);
  }
  return parts;
}

export function expandParts(parts: readonly TemplatePart[], match: RegExpExecArray): string {
  return parts
    .map((part) => (typeof part === 'string' ? part : ((typeof part.group === 'number' ? match[part.group] : match.groups?.[part.group]) ?? '')))
    .join('');
}

/** match.expand(template) */
export function expandTemplate(template: string, regex: RegExp, match: RegExpExecArray): string {
  return expandParts(parseTemplate(template, regex), match);
}

/**
 * re.subn(pattern, template, text): every non-overlapping match replaced, with the count. Empty
 * matches are replaced too, also right after a non-empty one (Python 3.7+, and JS's own rule).
 * One difference: after an empty match Python may still take a non-empty one at the same place
 * (re.sub('(?=b)|b', '-', 'ab') is 'a--'); JS moves on a character first ('a-b').
 */
export function pythonSubn(regex: RegExp, template: string, text: string): { text: string; count: number } {
  const parts = parseTemplate(template, regex);
  const global = new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`);
  let out = '';
  let last = 0;
  let count = 0;
  for (let match = global.exec(text); match !== null; match = global.exec(text)) {
    out += text.slice(last, match.index) + expandParts(parts, match);
    last = match.index + match[0].length;
    count += 1;
    if (match[0] === '') {
      if (global.lastIndex >= text.length) break;
      const code = text.codePointAt(global.lastIndex)!;
      global.lastIndex += global.unicode && code > 0xffff ? 2 : 1;
    }
  }
  return { text: out + text.slice(last), count };
}
