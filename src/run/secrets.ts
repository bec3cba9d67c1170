// Secrets never reach output: every event passes through a SecretMasker before any reporter
// sees it, so reporters, logs and error messages cannot leak what the engine was told to hide.

import { quoteArg } from '../connect/quote.ts';
import type { RunEvent, RunEventSink } from './events.ts';

export const MASK = '********';

/**
 * Replaces every registered secret with `********` in text and in events.
 *
 * Any non-empty secret is masked, however short: a 1-character password masks that character
 * everywhere in the output. That is ugly but safe; the fix is a real password, not a leak.
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

  get size(): number {
    return this.secrets.size;
  }

  mask(text: string): string {
    const pattern = this.currentPattern();
    return pattern ? text.replace(pattern, MASK) : text;
  }

  /** A deep copy of the event with every string masked (messages, file paths, diff contents). */
  maskEvent(event: RunEvent): RunEvent {
    if (this.secrets.size === 0) return event;
    return maskDeep(event, (text) => this.mask(text)) as RunEvent;
  }

  private currentPattern(): RegExp | null {
    if (this.secrets.size === 0) return null;
    if (!this.pattern) {
      // Longest first: alternation takes the first branch that matches, so a secret that
      // contains a shorter one is masked whole rather than leaving its remainder visible.
      const sorted = [...this.secrets].sort((a, b) => b.length - a.length);
      this.pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    }
    return this.pattern;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function maskDeep(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return mask(value);
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, mask));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = maskDeep(item, mask);
    return copy;
  }
  return value;
}

/** Variable names that hold secrets: `redis_password`, `ansible_become_password`, `api_token`. */
const SECRET_NAME = /pass(word)?|secret|token|api_key|private_key/i;
/** `ansible_ssh_private_key_file` names a path, not a secret; masking it only hides diagnostics. */
const PATH_NAME = /_(file|path)$/i;

function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !PATH_NAME.test(name);
}

/**
 * The values of secret-named variables anywhere in nested vars. Under a secret-named key every
 * string or number leaf counts (`redis_passwords: [a, b]`, `secrets: { db: x }`).
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

/** A sink that masks every event before handing it on. */
export function maskingSink(sink: RunEventSink, masker: SecretMasker): RunEventSink {
  return { emit: (event) => sink.emit(masker.maskEvent(event)) };
}
