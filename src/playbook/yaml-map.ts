import { isAlias, isMap, isNode, isScalar, isSeq, type Node } from 'yaml';
import { InputError, type SourcePosition } from '../errors.ts';
import type { YamlSource } from '../yaml/source.ts';

// Reading playbook mappings from the YAML tree, so every key and value keeps its position.

/** One `key: value` of a mapping with where the key and the value stand in the file. */
export interface MapEntry {
  key: string;
  value: unknown;
  valueNode: unknown;
  keyPosition: SourcePosition;
  /** The value's position, or the key's when the value is empty (`become:`). */
  position: SourcePosition;
}

/** Follow `*alias` references to the node they name. */
export function resolveNode(source: YamlSource, node: unknown): unknown {
  return isAlias(node) ? node.resolve(source.document) : node;
}

export function valueOf(source: YamlSource, node: unknown): unknown {
  const resolved = resolveNode(source, node);
  if (resolved === null || resolved === undefined) return null;
  return isNode(resolved) ? (resolved as Node).toJS(source.document, { maxAliasCount: 1000 }) : resolved;
}

export function isMapping(source: YamlSource, node: unknown): boolean {
  return isMap(resolveNode(source, node));
}

/** The entries of a mapping node; `what` names it in the error when the node is not a mapping. */
export function mapEntries(source: YamlSource, node: unknown, what: string): MapEntry[] {
  const resolved = resolveNode(source, node);
  if (!isMap(resolved)) throw new InputError(`${what} must be a mapping`, source.positionOf(resolved));
  return resolved.items.map((pair) => {
    const keyPosition = source.positionOf(pair.key);
    const key = isScalar(pair.key) ? String(pair.key.value) : String(valueOf(source, pair.key));
    const valueNode = resolveNode(source, pair.value);
    const hasValue = isNode(valueNode) && (valueNode as Node).range !== undefined;
    return { key, value: valueOf(source, pair.value), valueNode, keyPosition, position: hasValue ? source.positionOf(valueNode) : keyPosition };
  });
}

/** The items of a sequence node (an empty value is an empty list). */
export function sequenceItems(source: YamlSource, node: unknown, what: string): unknown[] {
  const resolved = resolveNode(source, node);
  if (resolved === null || resolved === undefined || (isScalar(resolved) && resolved.value === null)) return [];
  if (!isSeq(resolved)) throw new InputError(`${what} must be a list`, source.positionOf(resolved));
  return resolved.items.map((item) => resolveNode(source, item));
}

/** Positions of each item of a list value, or of the single value when it is a scalar. */
export function itemPositions(source: YamlSource, entry: MapEntry): SourcePosition[] {
  const node = entry.valueNode;
  if (isSeq(node)) return node.items.map((item) => source.positionOf(item));
  return [entry.position];
}

const TRUE = /^(true|yes|on)$/i;
const FALSE = /^(false|no|off)$/i;

/** A boolean, also spelt yes/no/on/off as Ansible (YAML 1.1) users write them. */
export function booleanValue(entry: MapEntry): boolean {
  const { value } = entry;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && TRUE.test(value)) return true;
  if (typeof value === 'string' && FALSE.test(value)) return false;
  throw new InputError(`'${entry.key}' must be true or false`, entry.position);
}

export function stringValue(entry: MapEntry): string {
  const { value } = entry;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new InputError(`'${entry.key}' must be a string`, entry.position);
}

/** A string or a list of strings (numbers allowed, as Ansible allows numeric tags). */
export function stringList(entry: MapEntry): string[] {
  const { value } = entry;
  if (value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new InputError(`'${entry.key}' must be a string or a list of strings`, entry.position);
  });
}

export function mappingValue(entry: MapEntry): Record<string, unknown> {
  const { value } = entry;
  if (value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new InputError(`'${entry.key}' must be a mapping`, entry.position);
}
