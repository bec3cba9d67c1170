import { isMap, isScalar, type Node, type Pair } from 'yaml';
import { InputError, formatPosition } from '../errors.ts';
import type { YamlSource } from '../yaml/source.ts';
import type { InventoryBuilder } from './builder.ts';
import { expandHostPattern } from './host-pattern.ts';

/**
 * Ansible's YAML inventory format, following plugins/inventory/yaml.py (ansible-core 2.14):
 * top-level keys are groups; a group maps to `vars`, `children` (groups, recursively) and
 * `hosts` (host patterns mapping to their vars or nothing). A section given as a plain string
 * means a mapping with that one key. Where Ansible only warns (unknown keys, a group that is
 * not a mapping) we record a warning and go on; where Ansible fails, this is an InputError at
 * the offending node.
 */
export function parseYamlInventory(builder: InventoryBuilder, source: YamlSource): void {
  const root = source.document.contents;
  if (!isMap(root)) {
    throw new InputError('YAML inventory must be a mapping of group names', source.positionOf(root));
  }
  for (const pair of root.items as Pair<Node, Node | null>[]) {
    parseGroup(builder, source, pair);
  }
}

function keyText(source: YamlSource, pair: Pair<Node, Node | null>, what: string): string {
  const key = pair.key;
  if (isScalar(key) && typeof key.value === 'string' && key.value !== '') return key.value;
  throw new InputError(`${what} must be a non-empty string (quote numbers), got ${JSON.stringify(isScalar(key) ? key.value : String(key))}`, source.positionOf(key));
}

function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

function parseGroup(builder: InventoryBuilder, source: YamlSource, pair: Pair<Node, Node | null>): string {
  const name = keyText(source, pair, 'group name');
  const body = pair.value;
  if (!isNull(body) && !isMap(body)) {
    builder.warnings.push(`${source.file}: skipping '${name}' as it is not a valid group definition (not a mapping)`);
    return name;
  }
  builder.addGroup(name);
  if (!isMap(body)) return name;

  for (const section of body.items as Pair<Node, Node | null>[]) {
    const key = isScalar(section.key) ? String(section.key.value) : String(section.key);
    const value = section.value;
    if (!['vars', 'children', 'hosts'].includes(key)) {
      builder.warnings.push(`${formatPosition(source.positionOf(section.key))}: skipping unexpected key '${key}' in group '${name}', only "vars", "children" and "hosts" are valid`);
      continue;
    }
    if (isNull(value)) continue;
    // `hosts: web1` is allowed and means `hosts: { web1: }`.
    if (isScalar(value) && typeof value.value === 'string') {
      applySection(builder, source, name, key, [[value.value, null, value]]);
      continue;
    }
    if (!isMap(value)) {
      throw new InputError(`"${key}" of group "${name}" must be a mapping, got ${describe(value)}`, source.positionOf(value));
    }
    const items = value.items as Pair<Node, Node | null>[];
    if (key === 'children') {
      for (const item of items) {
        const child = parseGroup(builder, source, item);
        if (builder.groups.has(child)) builder.addChild(name, child, source.positionOf(item.key));
      }
    } else {
      // Variable names may be any scalar in Ansible; host patterns must be strings.
      const entryName = (item: Pair<Node, Node | null>) =>
        key === 'vars' && isScalar(item.key) ? String(item.key.value) : keyText(source, item, 'host pattern');
      applySection(builder, source, name, key, items.map((item) => [entryName(item), item.value, item.key] as const));
    }
  }
  return name;
}

function applySection(
  builder: InventoryBuilder,
  source: YamlSource,
  group: string,
  section: string,
  entries: ReadonlyArray<readonly [string, Node | null, unknown]>,
): void {
  for (const [entryName, valueNode, keyNode] of entries) {
    if (section === 'vars') {
      builder.setGroupVariable(group, entryName, toJS(source, valueNode), source.positionOf(valueNode ?? keyNode));
    } else if (section === 'children') {
      builder.addGroup(entryName);
      builder.addChild(group, entryName, source.positionOf(keyNode));
    } else {
      let expanded;
      try {
        expanded = expandHostPattern(entryName);
      } catch (error) {
        throw new InputError(`${(error as Error).message} in host pattern '${entryName}'`, source.positionOf(keyNode));
      }
      const hostVars = isNull(valueNode) ? {} : toJS(source, valueNode);
      if (typeof hostVars !== 'object' || hostVars === null || Array.isArray(hostVars)) {
        throw new InputError(`vars of host "${entryName}" must be a mapping, got ${describe(valueNode)}`, source.positionOf(valueNode));
      }
      for (const host of expanded.hosts) {
        builder.addHost(host, group, expanded.port);
        for (const [key, value] of Object.entries(hostVars)) builder.setHostVariable(host, key, value);
      }
    }
  }
}

function toJS(source: YamlSource, node: Node | null): unknown {
  return node === null ? null : node.toJS(source.document, { maxAliasCount: 1000 });
}

function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isScalar(node)) return `${typeof node.value} ${JSON.stringify(node.value)}`;
  return isMap(node) ? 'a mapping' : 'a list';
}
