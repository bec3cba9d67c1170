// The passwords a redis.conf text carries (requirepass, masterauth). --diff shows a config file's
// current content as `before`, which holds the OLD password when it changes: the engine only
// knows the new one. So redis.config registers every password form found in either text, and
// hands the engine a diff with the values replaced, where a changed password is still a changed
// line (both sides masked alike would hide that it changed).
import type { FileChange } from '../../src/modules/module.ts';
import { MASK } from '../../src/run/secrets.ts';

const SECRET_LINE = /^(\s*(requirepass|masterauth)\s+)(.*?)(\s*)$/i;

/** One password argument: as the file writes it (maybe quoted) and as Redis reads it. */
export interface ConfSecret {
  directive: string;
  written: string;
  value: string;
}

/**
 * The first argument as sdssplitargs reads it: bare up to a space, "double quoted" with
 * \n \r \t \b \a \xHH and \<char> escapes, or 'single quoted' with only \' escaped.
 */
export function confArgument(text: string): string {
  const quote = text[0];
  if (quote !== '"' && quote !== "'") return text.split(/\s/)[0];
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c === quote) return value;
    if (c === '\\' && i + 1 < text.length) {
      const next = text[++i];
      if (quote === "'") value += next === "'" ? "'" : `\\${next}`;
      else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
        value += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else value += ({ n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' } as Record<string, string>)[next] ?? next;
    } else value += c;
  }
  return value; // unbalanced quotes: Redis refuses the file; mask what is there anyway
}

export function confSecrets(text: string): ConfSecret[] {
  const found: ConfSecret[] = [];
  for (const line of text.split('\n')) {
    const match = SECRET_LINE.exec(line);
    if (match && match[3] !== '') found.push({ directive: match[2].toLowerCase(), written: match[3], value: confArgument(match[3]) });
  }
  return found;
}

/** Every form of every password in the text (as written, inside its quotes, as read), for addSecret. */
export function secretForms(text: string): string[] {
  const forms = new Set<string>();
  for (const s of confSecrets(text)) {
    forms.add(s.written);
    forms.add(s.written.replace(/^(["'])(.*)\1$/, '$2'));
    forms.add(s.value);
  }
  return [...forms].filter((form) => form !== '');
}

/** Last value of each secret directive (Redis takes the last one). */
function secretValues(text: string | null): Map<string, string> {
  return new Map((text === null ? [] : confSecrets(text)).map((s) => [s.directive, s.value]));
}

function maskText(text: string | null, other: Map<string, string>, label: string): string | null {
  if (text === null) return null;
  const mine = secretValues(text);
  return text
    .split('\n')
    .map((line) => {
      const match = SECRET_LINE.exec(line);
      if (!match || match[3] === '') return line;
      const directive = match[2].toLowerCase();
      const changed = other.has(directive) && other.get(directive) !== mine.get(directive);
      return `${match[1]}${MASK}${changed ? ` (${label})` : ''}${match[4]}`;
    })
    .join('\n');
}

/**
 * The change as --diff may show it: password values replaced by the mask, a password that
 * differs between the two sides marked "(old value)" / "(new value)" so the line still shows up.
 */
export function maskedChange(change: FileChange): FileChange {
  return {
    ...change,
    before: maskText(change.before, secretValues(change.after), 'old value'),
    after: maskText(change.after, secretValues(change.before), 'new value'),
  };
}
