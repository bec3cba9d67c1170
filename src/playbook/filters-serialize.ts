import { parse as parseYamlText } from 'yaml';
import { pyYamlDump } from './pyyaml-dump.ts';
import { TemplateFilterError } from './template-errors.ts';
import { splitKwargs } from './filters-jinja.ts';
import { pythonRepr } from './python-text.ts';

// to_json / to_nice_json / to_yaml / to_nice_yaml / from_json / from_yaml with the output of
// Ansible's: Python's json.dumps (", " and ": " separators, non-ASCII escaped, nice = sorted keys
// and four spaces) and PyYAML's dump (sorted keys, flow style for collections of scalars).

interface JsonStyle {
  indent?: number;
  sortKeys: boolean;
  itemSeparator: string;
  keySeparator: string;
  ensureAscii: boolean;
}

function jsonString(text: string, ensureAscii: boolean): string {
  const quoted = JSON.stringify(text);
  return ensureAscii ? quoted.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : quoted;
}

function jsonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return pythonRepr(n);
}

/** Python's json.dumps for the values templates hold. */
export function pythonJsonDumps(value: unknown, style: JsonStyle, depth = 0): string {
  const newline = style.indent === undefined ? '' : `\n${' '.repeat(style.indent * (depth + 1))}`;
  const closing = style.indent === undefined ? '' : `\n${' '.repeat(style.indent * depth)}`;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return jsonNumber(value);
  if (typeof value === 'string') return jsonString(value, style.ensureAscii);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${newline}${value.map((item) => pythonJsonDumps(item, style, depth + 1)).join(style.itemSeparator + newline)}${closing}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    if (style.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const items = entries.map(([k, v]) => jsonString(k, style.ensureAscii) + style.keySeparator + pythonJsonDumps(v, style, depth + 1));
    return `{${newline}${items.join(style.itemSeparator + newline)}${closing}}`;
  }
  throw new TemplateFilterError('to_json: the value cannot be serialized');
}

function jsonStyle(kwargs: Record<string, unknown>, nice: boolean): JsonStyle {
  const indent = kwargs.indent ?? (nice ? 4 : undefined);
  return {
    indent: indent === undefined || indent === null ? undefined : Number(indent),
    sortKeys: Boolean(kwargs.sort_keys ?? nice),
    // Python uses "," after items when indenting, ", " on one line.
    itemSeparator: nice || indent !== undefined ? ',' : ', ',
    keySeparator: ': ',
    ensureAscii: kwargs.ensure_ascii === undefined ? true : Boolean(kwargs.ensure_ascii),
  };
}

export const serializeFilters: Record<string, (value: unknown, ...args: unknown[]) => unknown> = {
  to_json(value, ...args) {
    return pythonJsonDumps(value, jsonStyle(splitKwargs(args)[1], false));
  },
  to_nice_json(value, ...args) {
    return pythonJsonDumps(value, jsonStyle(splitKwargs(args)[1], true));
  },
  to_yaml(value, ...args) {
    const [, kwargs] = splitKwargs(args);
    return pyYamlDump(value, { indent: Number(kwargs.indent ?? 2), flowLeaves: kwargs.default_flow_style !== false });
  },
  to_nice_yaml(value, ...args) {
    const [, kwargs] = splitKwargs(args);
    return pyYamlDump(value, { indent: Number(kwargs.indent ?? 4), flowLeaves: false });
  },
  from_json(value) {
    try {
      return JSON.parse(String(value));
    } catch {
      throw new TemplateFilterError('from_json: the input is not valid JSON');
    }
  },
  from_yaml(value) {
    try {
      return parseYamlText(String(value));
    } catch {
      throw new TemplateFilterError('from_yaml: the input is not valid YAML');
    }
  },
};
