// A string templated from a secret is a secret too: `{{ db_pwd | b64encode }}`, `| upper`,
// `| reverse` or `{{ user }}:{{ db_pwd }}` must not show what masking the raw value hides. Where
// a run renders templates (task params, host vars), each expression that may read a secret is
// evaluated on its own, with the real vars and with the secrets shadowed (secret-shadow.ts); when
// the two differ its value, and the words of the rendered string around it, become secrets. The
// expressions whose value no secret changes (`{{ user }}`, `{{ hostvars[h].ansible_host }}`) stay
// ordinary, so `app` is still shown as `app`, and a command or a file's text shows all but its secrets.

import type { Vars } from '../inventory/types.ts';
import { renderString } from '../playbook/template.ts';
import { isSecretName } from './secret-names.ts';
import { SecretShadow } from './secret-shadow.ts';
import { MASK_ANYWHERE_LENGTH, type SecretMasker } from './secrets.ts';

const EXPRESSION = /\{\{-?([\s\S]*?)-?\}\}/g;
const STATEMENT = /\{%-?([\s\S]*?)-?%\}/g;
const STRING_LITERAL = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g;
const IDENTIFIER = /[A-Za-z_]\w*/g;
/** How many leaves of one variable are looked at for a secret; a bigger one (hostvars, groups) may hold one, and rendering it shadowed decides. */
const MAX_LEAVES = 200;
/** How deep a variable still holding a template (`a: "{{ b }}"`, not yet rendered) is followed. */
const MAX_TEMPLATE_DEPTH = 4;
const OMIT_PREFIX = '__omit_place_holder__';

function holdsTemplate(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

/** The names and quoted literals an expression mentions. */
function mentions(expression: string): { names: string[]; literals: string[] } {
  const literals: string[] = [];
  const bare = expression.replace(STRING_LITERAL, (_whole, single?: string, double?: string) => {
    literals.push(single ?? double ?? '');
    return ' ';
  });
  return { names: bare.match(IDENTIFIER) ?? [], literals };
}

/** Decides quickly, with a cache for one rendering, whether a name in a template may read a secret. */
class TaintCheck {
  private readonly cache = new Map<string, boolean>();
  constructor(private readonly vars: Vars, private readonly masker: SecretMasker) {}

  /** An expression may read a secret when it names a secret(-holding) variable or looks one up by name. */
  expression(expression: string, depth = 0): boolean {
    const { names, literals } = mentions(expression);
    return literals.some(isSecretName) || names.some((name) => this.name(name, depth));
  }

  name(name: string, depth = 0): boolean {
    const known = this.cache.get(name);
    if (known !== undefined) return known;
    this.cache.set(name, false); // a template naming itself is not a secret by that alone
    const tainted = isSecretName(name) || (Object.hasOwn(this.vars, name) && this.value(this.vars[name], depth));
    this.cache.set(name, tainted);
    return tainted;
  }

  /** A value holds a secret when a leaf is one, or is a template still to be rendered that reads one. */
  private value(value: unknown, depth: number): boolean {
    let budget = MAX_LEAVES;
    const walk = (item: unknown): boolean => {
      if (--budget < 0) return true;
      if (typeof item === 'string') {
        if (this.masker.holdsSecret(item)) return true;
        return depth < MAX_TEMPLATE_DEPTH && holdsTemplate(item) && this.template(item, depth + 1);
      }
      if (typeof item === 'number') return this.masker.holdsSecret(String(item));
      if (Array.isArray(item)) return item.some(walk);
      if (item !== null && typeof item === 'object') return Object.values(item).some(walk);
      return false;
    };
    return walk(value);
  }

  template(source: string, depth = 0): boolean {
    const blocks = [...source.matchAll(EXPRESSION), ...source.matchAll(STATEMENT)];
    return blocks.some((block) => this.expression(block[1], depth));
  }
}

/** The string leaves of a rendered value worth registering: not empty, not a literal of the template, not omit. */
function secretLeaves(value: unknown, literals: ReadonlySet<string>, found: Set<string>): void {
  if (typeof value === 'string') {
    if (value.trim() !== '' && !literals.has(value) && !value.startsWith(OMIT_PREFIX) && !holdsTemplate(value)) found.add(value);
  } else if (Array.isArray(value)) {
    value.forEach((item) => secretLeaves(item, literals, found));
  } else if (value !== null && typeof value === 'object') {
    Object.values(value).forEach((item) => secretLeaves(item, literals, found));
  }
}

function tryRender(source: string, vars: Vars): unknown {
  try {
    return renderString(source, vars);
  } catch {
    // An expression that only renders in its place (a `{% for %}` variable) is covered by the whole string.
    return undefined;
  }
}

/** Where a word of rendered text ends: blanks, and the punctuation commands and sentences put between words. */
const WORD_END = /[\s;,|&<>()[\]{}"'`]/;

/**
 * The word of `whole` around each short value in it: `app:S3c` or `-pHUNTER2`, which masking the
 * secret alone, as a token, would leave readable (a long secret is masked anywhere already).
 */
function wordsAround(whole: string, values: Iterable<string>, found: Set<string>): void {
  for (const value of values) {
    if ([...value].length >= MASK_ANYWHERE_LENGTH) continue;
    for (let at = whole.indexOf(value); at >= 0; at = whole.indexOf(value, at + value.length)) {
      let start = at;
      let end = at + value.length;
      while (start > 0 && !WORD_END.test(whole[start - 1])) start--;
      while (end < whole.length && !WORD_END.test(whole[end])) end++;
      found.add(whole.slice(start, end));
    }
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The secrets one template string makes with these vars (see the file's comment): the value of
 * each expression that reads a secret, and the words of the rendered text it stands in. A
 * secret read only by a {% %} statement (`{% for c in db_pwd %}`) makes the whole rendered text one.
 */
function fromTemplate(source: string, vars: Vars, check: TaintCheck, shadow: SecretShadow, found: Set<string>): void {
  if (!check.template(source)) return;
  const { names, literals: allLiterals } = mentions(source);
  const literals = new Set(allLiterals);
  const shadowed = shadow.vars(vars, names);
  // Looked up by a secret name (`lookup('env', 'API_TOKEN')`): the secret is not in the vars to shadow.
  const reads = (text: string, real: unknown) => mentions(text).literals.some(isSecretName) || !sameValue(real, tryRender(text, shadowed));
  const values = new Set<string>();
  for (const [, expression] of source.matchAll(EXPRESSION)) {
    if (!check.expression(expression)) continue;
    const alone = `{{${expression}}}`;
    const real = tryRender(alone, vars);
    if (real !== undefined && reads(alone, real)) secretLeaves(real, literals, values);
  }
  const rendered = tryRender(source, vars);
  const statements = [...source.matchAll(STATEMENT)].some(([, statement]) => check.expression(statement)) && reads(source, rendered);
  if (values.size === 0 && !statements) return;
  const whole = new Set<string>();
  secretLeaves(rendered, literals, whole);
  for (const value of values) found.add(value);
  for (const text of whole) {
    if (statements) found.add(text);
    else wordsAround(text, values, found);
  }
}

/**
 * The secrets that rendering `source` (a template string, or a value with templates among its
 * leaves) with `vars` makes, given the secrets the masker knows and the secret names.
 * Numbers and booleans are not registered: `{{ db_pwd | length }}` is not the password.
 */
export function derivedSecrets(source: unknown, vars: Vars, masker: SecretMasker): string[] {
  const found = new Set<string>();
  const check = new TaintCheck(vars, masker);
  const shadow = new SecretShadow(masker, (text) => holdsTemplate(text) && check.template(text, 1));
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (holdsTemplate(value)) fromTemplate(value, vars, check, shadow, found);
    } else if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value !== null && typeof value === 'object') {
      Object.values(value).forEach(walk);
    }
  };
  walk(source);
  return [...found];
}

/** Registers with the masker what rendering `source` with `vars` derives from secrets. */
export function trackDerivedSecrets(masker: SecretMasker, source: unknown, vars: Vars): void {
  for (const secret of derivedSecrets(source, vars, masker)) masker.add(secret);
}
