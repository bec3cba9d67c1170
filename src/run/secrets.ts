// Secrets never reach output: every event passes through a SecretMasker before any reporter
// sees it, so reporters, logs and error messages cannot leak what the engine was told to hide.
// A secret is a VALUE (from Vault, a no_log result, a secret-named variable, or templated from
// any of these: src/run/secret-derive.ts); it is masked where it appears as itself.

import { quoteArg } from '../connect/quote.ts';
import type { RunEvent, RunEventSink } from './events.ts';
import type { FileChange } from '../modules/module.ts';
import { SECRET_MASK, isSecretName, redactSecretAssignments } from './secret-names.ts';

export { isSecretName } from './secret-names.ts';

export const MASK = SECRET_MASK;

/**
 * A secret this long is masked wherever it appears, also glued to other text (`-pS3cretPass`,
 * `userS3cretPass`): a chance match inside a word is unlikely at this length, a leak is not.
 */
export const MASK_ANYWHERE_LENGTH = 8;

/** Letters, digits and `_`: what makes a shorter secret part of a longer word, not itself. */
const WORD_CHAR = '[\\p{L}\\p{N}_]';

/** Event fields that are the run's own words (enums), never data that could hold a secret. */
const STRUCTURAL_KEYS = new Set(['type', 'status', 'level']);

/**
 * Replaces every registered secret with `********` in text and in events.
 *
 * A secret is masked where it appears as itself: a secret shorter than MASK_ANYWHERE_LENGTH only
 * as a whole token (not glued to a letter, digit or `_` on a side where it starts or ends with
 * one), so a one-character secret `1` hides `pin 1` but leaves `exit 10` and `v1.2` readable;
 * a longer one everywhere.
 *
 * Besides the raw value, each secret's shell-quoted form (as src/connect/quote.ts writes it into
 * command lines, which CommandError messages repeat) and its JSON-escaped form are masked too,
 * because a secret containing `'` or `"` does not appear verbatim in those places.
 */
export class SecretMasker {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null = null;

  add(secret: string): void {
    if (secret === '') return;
    const forms = [secret, quoteArg(secret), JSON.stringify(secret).slice(1, -1)];
    for (const form of forms) {
      if (form !== '' && !this.secrets.has(form)) {
        this.secrets.add(form);
        this.pattern = null;
      }
    }
  }

  /**
   * Registers every string leaf of a value as a secret: what a no_log task registers, or sets with
   * set_fact. A result's bookkeeping fields (RESULT_FIELDS) are the module's words about the
   * task, not its data, and stay readable.
   */
  addFromValue(value: unknown): void {
    for (const leaf of stringLeaves(value, RESULT_FIELDS)) this.add(leaf);
  }

  get size(): number {
    return this.secrets.size;
  }

  /** Whether the text holds a registered secret (as mask() would hide it). */
  holdsSecret(text: string): boolean {
    const pattern = this.currentPattern();
    if (!pattern) return false;
    pattern.lastIndex = 0;
    return pattern.test(text);
  }

  mask(text: string): string {
    const pattern = this.currentPattern();
    return pattern ? text.replace(pattern, MASK) : text;
  }

  /** A deep copy of the event with every string masked (messages, file paths, diff contents). */
  maskEvent(event: RunEvent): RunEvent {
    const redacted = event.type === 'node-end' && event.files ? { ...event, files: event.files.map(redactFileChange) } : event;
    if (this.secrets.size === 0) return redacted;
    return this.maskValue(redacted) as RunEvent;
  }

  /** A deep copy of any JSON-like value with every string in it masked (its keys and enums kept). */
  maskValue(value: unknown): unknown {
    return maskDeep(value, (text) => this.mask(text));
  }

  private currentPattern(): RegExp | null {
    if (this.secrets.size === 0) return null;
    if (!this.pattern) {
      // Longest first: alternation takes the first branch that matches, so a secret that
      // contains a shorter one is masked whole rather than leaving its remainder visible.
      const sorted = [...this.secrets].sort((a, b) => b.length - a.length);
      this.pattern = new RegExp(sorted.map(secretPattern).join('|'), 'gu');
    }
    return this.pattern;
  }
}

const WORD_START = new RegExp(`^${WORD_CHAR}`, 'u');
const WORD_END = new RegExp(`${WORD_CHAR}$`, 'u');

/** The secret as a pattern that matches it where it stands as itself (see SecretMasker). */
function secretPattern(secret: string): string {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if ([...secret].length >= MASK_ANYWHERE_LENGTH) return escaped;
  const before = WORD_START.test(secret) ? `(?<!${WORD_CHAR})` : '';
  const after = WORD_END.test(secret) ? `(?!${WORD_CHAR})` : '';
  return `${before}${escaped}${after}`;
}

/** A file change with the value of every `secret_name = value` line of its contents masked (see redactSecretAssignments). */
function redactFileChange(change: FileChange): FileChange {
  const redact = (text: string | null) => (text === null ? null : redactSecretAssignments(text, { strict: true }));
  return { ...change, before: redact(change.before), after: redact(change.after) };
}

function maskDeep(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return mask(value);
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, mask));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = STRUCTURAL_KEYS.has(key) && typeof item === 'string' ? item : maskDeep(item, mask);
    return copy;
  }
  return value;
}

/**
 * Fields of a registered result that say how the task went, not what it produced (Ansible's
 * result keys): a no_log `file` task's `state: file` or `mode: '0644'` must not mask every `file`
 * and `0644` of the run. `item` is the loop's, from the playbook's own vars, judged there.
 */
const RESULT_FIELDS = new Set([
  'changed', 'failed', 'skipped', 'skip_reason', 'rc', 'start', 'end', 'delta', 'cmd', 'invocation',
  'state', 'mode', 'owner', 'group', 'uid', 'gid', 'path', 'dest', 'src', 'size', 'checksum', 'md5sum',
  'item', 'ansible_loop_var', 'attempts', 'warnings', 'deprecations', 'diff', 'backup_file',
]);

/** Non-empty string leaves of a value, not descending into keys of `skip`. */
function stringLeaves(value: unknown, skip: ReadonlySet<string> = new Set()): string[] {
  const found: string[] = [];
  const walk = (item: unknown): void => {
    if (typeof item === 'string') {
      if (item !== '') found.push(item);
    } else if (Array.isArray(item)) {
      item.forEach(walk);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) if (!skip.has(key)) walk(child);
    }
  };
  walk(value);
  return found;
}

/**
 * The values of secret-named variables anywhere in nested vars (see secret-names.ts). Under a
 * secret-named key every string or number leaf counts (`redis_passwords: [a, b]`, `secrets: { db: x }`).
 */
export function secretsFromVars(vars: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const collectLeaves = (value: unknown): void => {
    if (typeof value === 'string' || typeof value === 'number') {
      const text = String(value);
      if (text !== '') found.add(text);
    } else if (Array.isArray(value)) {
      value.forEach(collectLeaves);
    } else if (value !== null && typeof value === 'object') {
      Object.values(value).forEach(collectLeaves);
    }
  };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (isSecretName(key)) collectLeaves(item);
        else walk(item);
      }
    }
  };
  walk(vars);
  return [...found];
}

/** The error with its message masked (in place: its type, position and cause stay), for errors raised before any event. */
export function maskError<T>(error: T, masker: SecretMasker): T {
  if (error instanceof Error) error.message = masker.mask(error.message);
  return error;
}

/** A sink that masks every event before handing it on. */
export function maskingSink(sink: RunEventSink, masker: SecretMasker): RunEventSink {
  return { emit: (event) => sink.emit(masker.maskEvent(event)) };
}
