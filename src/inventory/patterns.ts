import { readFileSync } from 'node:fs';
import { InputError, type SourcePosition } from '../errors.ts';
import { parseAddress } from './host-pattern.ts';
import type { Inventory } from './types.ts';
import { localhostFor } from './unlisted-hosts.ts';

/**
 * Ansible host patterns, following InventoryManager in ansible/inventory/manager.py
 * (ansible-core 2.14): `all`, `*`, host or group names, `a:b`/`a,b` union, `a:!b` exclusion,
 * `a:&b` intersection (applied after all unions, exclusions last, whatever their order),
 * globs `web*`, regexes `~web\d+` (anchored at the start only, like Python's re.match), and
 * subscripts `g[0]`, `g[-1]`, `g[0:2]` (inclusive). A group name selects the hosts of the group
 * and its descendants. Results keep inventory order without duplicates. A localhost name that
 * matches nothing else is Ansible's implicit localhost (see unlisted-hosts.ts); `all` and other
 * patterns never select it.
 */
export function selectHosts(inventory: Inventory, pattern: string, position?: SourcePosition): string[] {
  const hosts = evaluatePatterns(inventory, splitHostPattern(pattern), position);
  if (hosts.length === 0) throw noMatch(inventory, pattern, position);
  return hosts;
}

/**
 * `--limit`: the inventory hosts the limit pattern selects; `@file` reads host names, one a line.
 * May be none: whether that is an error depends on the plays (see prepareRun), as in Ansible,
 * which skips a play the limit leaves without hosts ("skipping: no hosts matched").
 */
export function limitHosts(inventory: Inventory, limit: string): string[] {
  const parts: string[] = [];
  for (const part of splitHostPattern(limit)) {
    if (!part.startsWith('@')) {
      parts.push(part);
      continue;
    }
    const file = part.slice(1);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new InputError(`cannot read limit file: ${(error as Error).message}`, { file }, { cause: error });
    }
    parts.push(...text.split('\n').map((line) => line.trim()).filter((line) => line !== ''));
  }
  // An empty @file names no host (evaluatePatterns would read "no pattern" as `all`).
  return parts.length === 0 ? [] : evaluatePatterns(inventory, parts);
}

/** split_host_pattern: commas separate; else `:` does, except inside an address or a [x:y] range. */
export function splitHostPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (parseAddress(pattern)) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function evaluatePatterns(inventory: Inventory, patterns: string[], position?: SourcePosition): string[] {
  const regular = patterns.filter((p) => p && p[0] !== '!' && p[0] !== '&');
  const ordered = [
    ...(regular.length > 0 ? regular : ['all']),
    ...patterns.filter((p) => p[0] === '&'),
    ...patterns.filter((p) => p[0] === '!'),
  ];
  let hosts: string[] = [];
  for (const p of ordered) {
    if (inventory.hosts.has(p)) {
      if (!hosts.includes(p)) hosts.push(p);
      continue;
    }
    const matched = new Set(matchOnePattern(inventory, p, position));
    if (p[0] === '!') hosts = hosts.filter((h) => !matched.has(h));
    else if (p[0] === '&') hosts = hosts.filter((h) => matched.has(h));
    else for (const h of matched) if (!hosts.includes(h)) hosts.push(h);
  }
  return hosts;
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

function matchOnePattern(inventory: Inventory, raw: string, position?: SourcePosition): string[] {
  const pattern = raw[0] === '!' || raw[0] === '&' ? raw.slice(1) : raw;
  const subscript = pattern[0] === '~' ? null : SUBSCRIPT.exec(pattern);
  const expression = subscript ? subscript[1] : pattern;
  const hosts = enumerateMatches(inventory, expression, position);
  if (!subscript || hosts.length === 0) return hosts;
  if (subscript[2] !== undefined) {
    const index = Number.parseInt(subscript[2], 10);
    const host = hosts.at(index);
    if (host === undefined || index >= hosts.length) {
      throw new InputError(`No hosts matched the subscripted pattern '${pattern}' (${expression} has ${hosts.length} hosts)`, position);
    }
    return [host];
  }
  const start = Number.parseInt(subscript[3], 10);
  const end = subscript[5] === '' ? hosts.length - 1 : Number.parseInt(subscript[5], 10);
  if (end === 0) {
    // Ansible treats an end of 0 as "no end" and returns the single start host.
    if (start >= hosts.length) throw new InputError(`No hosts matched the subscripted pattern '${pattern}'`, position);
    return [hosts[start]];
  }
  return hosts.slice(start, end + 1);
}

function enumerateMatches(inventory: Inventory, pattern: string, position?: SourcePosition): string[] {
  const matcher = compileMatcher(pattern, position);
  const results: string[] = [];
  const matchingGroups = [...inventory.groups.keys()].filter(matcher);
  for (const group of matchingGroups) results.push(...hostsOfGroup(inventory, group));
  if (matchingGroups.length === 0 || pattern[0] === '~' || /[.?*[]/.test(pattern)) {
    for (const host of inventory.hosts.keys()) if (matcher(host)) results.push(host);
  }
  // InventoryManager._enumerate_matches: only when nothing else matched, and only the name itself.
  const localhost = results.length === 0 ? localhostFor(inventory, pattern) : undefined;
  if (localhost !== undefined) results.push(localhost);
  return results;
}

/** Hosts of a group and of its descendants (breadth first), in the order Ansible's Group.get_hosts gives. */
export function hostsOfGroup(inventory: Inventory, name: string): string[] {
  const groups = [name];
  for (let i = 0; i < groups.length; i += 1) {
    for (const child of inventory.groups.get(groups[i])?.children ?? []) if (!groups.includes(child)) groups.push(child);
  }
  const hosts = new Set<string>();
  for (const group of groups) for (const host of inventory.groups.get(group)?.hosts ?? []) hosts.add(host);
  return [...hosts];
}

function compileMatcher(pattern: string, position?: SourcePosition): (name: string) => boolean {
  let regex: RegExp;
  try {
    regex = pattern[0] === '~' ? new RegExp(`^(?:${pattern.slice(1)})`, 'u') : new RegExp(`^${globToRegex(pattern)}$`, 'su');
  } catch (error) {
    throw new InputError(`Invalid host list pattern: ${pattern}`, position, { cause: error });
  }
  return (name) => regex.test(name);
}

/** Python's fnmatch.translate: `*`, `?`, `[seq]`, `[!seq]`; everything else literal, case-sensitive. */
function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i];
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const close = glob.indexOf(']', glob[i + 1] === '!' ? i + 3 : i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
      if (body[0] === '!') body = `^${body.slice(1)}`;
      else if (body[0] === '^') body = `\\${body}`;
      out += `[${body}]`;
      i = close;
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

function noMatch(inventory: Inventory, pattern: string, position?: SourcePosition): InputError {
  const unknown = splitHostPattern(pattern)
    .map((p) => (p[0] === '!' || p[0] === '&' ? p.slice(1) : p))
    .filter((p) => !inventory.hosts.has(p) && !inventory.groups.has(p.replace(SUBSCRIPT, '$1')));
  const detail = unknown.length > 0 ? `; no group or host named ${unknown.map((u) => `'${u}'`).join(', ')}` : '';
  return new InputError(`host pattern '${pattern}' matches no hosts in inventory ${inventory.source}${detail}`, position);
}
