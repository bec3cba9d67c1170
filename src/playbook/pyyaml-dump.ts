import { pythonRepr } from './python-text.ts';

// PyYAML's yaml.dump as Ansible's to_yaml and to_nice_yaml call it (SafeDumper, allow_unicode,
// sort_keys): the text differs from other YAML writers in ways a diff of a config file shows
// (indentless lists, `-   key` under indent 4, `'yes'` quoted as YAML 1.1 reads it as a bool).

export interface YamlDumpOptions {
  indent: number;
  /** PyYAML's default_flow_style=None: collections holding only scalars are written inline. */
  flowLeaves: boolean;
}

// Plain text YAML 1.1 would read as something other than a string (PyYAML's implicit resolvers).
const RESOLVES_TO_OTHER_TYPE = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL)$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  /^(?:<<|=)$/,
];

/** Whether PyYAML's analyze_scalar allows the plain style, in block or flow context. */
function plainAllowed(text: string, flow: boolean): boolean {
  if (text === '' || /^\s|\s$/.test(text) || /[\n\r\t\x00-\x08\x0b-\x1f\x7f\u0085\u2028\u2029\ufeff]/.test(text)) return false;
  if (RESOLVES_TO_OTHER_TYPE.some((pattern) => pattern.test(text))) return false;
  if (/^[#,[\]{}&*!|>'"%@`]/.test(text)) return false;
  const followedBySpace = (i: number) => i + 1 >= text.length || /\s/.test(text[i + 1]);
  if (text[0] === '-' && followedBySpace(0)) return false;
  if ((text[0] === '?' || text[0] === ':') && (flow || followedBySpace(0))) return false;
  for (let i = 1; i < text.length; i += 1) {
    const ch = text[i];
    if (flow && ',?[]{}'.includes(ch)) return false;
    if (ch === ':' && (flow || followedBySpace(i))) return false;
    if (ch === '#' && /\s/.test(text[i - 1])) return false;
  }
  return true;
}

function doubleQuoted(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`;
}

function scalar(value: unknown, flow: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return pythonRepr(value);
  }
  const text = String(value);
  if (plainAllowed(text, flow)) return text;
  // PyYAML folds a multi-line string into a single-quoted block; a double-quoted one reads the same.
  if (/[\t\r\x00-\x08\x0b-\x1f\x7f]/.test(text) || text.includes('\n')) return doubleQuoted(text);
  return `'${text.replace(/'/g, "''")}'`;
}

type Collection = unknown[] | Record<string, unknown>;

function isCollection(value: unknown): value is Collection {
  return value !== null && typeof value === 'object';
}

function isEmpty(value: Collection): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

function entries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function flowText(value: Collection): string {
  const item = (v: unknown): string => (isCollection(v) ? flowText(v) : scalar(v, true));
  if (Array.isArray(value)) return `[${value.map(item).join(', ')}]`;
  return `{${entries(value).map(([k, v]) => `${scalar(k, true)}: ${item(v)}`).join(', ')}}`;
}

/** Written on the line of its key or dash: a scalar, an empty collection, or a leaf in flow style. */
function inline(value: unknown, options: YamlDumpOptions): string | undefined {
  if (!isCollection(value)) return scalar(value, false);
  if (isEmpty(value)) return Array.isArray(value) ? '[]' : '{}';
  const leaf = (Array.isArray(value) ? value : Object.values(value)).every((v) => !isCollection(v));
  return options.flowLeaves && leaf ? flowText(value) : undefined;
}

/** Lines of a block collection whose first line starts at `column` (after what precedes it). */
function block(value: Collection, column: number, options: YamlDumpOptions): string[] {
  const lines: string[] = [];
  const pad = ' '.repeat(column);
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = inline(item, options);
      if (text !== undefined) {
        lines.push(`${pad}- ${text}`);
        continue;
      }
      // A collection item starts on the dash's line, indented to the next level.
      const nested = block(item as Collection, column + options.indent, options);
      lines.push(`${pad}-${' '.repeat(options.indent - 1)}${nested[0].trimStart()}`, ...nested.slice(1));
    }
    return lines;
  }
  for (const [key, item] of entries(value)) {
    const keyText = scalar(key, false);
    const text = inline(item, options);
    if (text !== undefined) lines.push(`${pad}${keyText}: ${text}`);
    // PyYAML writes a list under a key without indenting it.
    else lines.push(`${pad}${keyText}:`, ...block(item as Collection, Array.isArray(item) ? column : column + options.indent, options));
  }
  return lines;
}

export function pyYamlDump(value: unknown, options: YamlDumpOptions): string {
  const text = inline(value, options);
  // PyYAML ends a lone plain scalar with `...`; Ansible's dumper (its text is "unsafe") does not.
  return text === undefined ? `${block(value as Collection, 0, options).join('\n')}\n` : `${text}\n`;
}
