import { InputError } from '../errors.ts';
import { redactSecretAssignments } from '../run/secret-names.ts';
import type { InventoryBuilder } from './builder.ts';
import { expandHostPattern } from './host-pattern.ts';
import { parseIniValue } from './python-literal.ts';
import { shlexSplit } from './shlex.ts';

/**
 * Ansible's INI inventory format, following plugins/inventory/ini.py (ansible-core 2.14):
 * the file starts in `[ungrouped]`; `[g]` lists hosts with inline `key=value` vars (split
 * like a shell line, values through Python's literal_eval), `[g:vars]` holds `key = value`
 * lines (not shell-split), `[g:children]` lists child groups, which may be declared later in
 * the same file. `;` and `#` start comment lines. Errors name file:line.
 */
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  line: number;
  state: 'vars' | 'children';
  parents: string[];
}

export function parseIniInventory(builder: InventoryBuilder, file: string, text: string): void {
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state = 'hosts';
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    // A line that does not parse is quoted back; a secret-named value in it is masked, as no
    // SecretMasker knows it yet (`web1 ansible_become_password='unclosed`).
    const fail = (message: string): never => {
      throw new InputError(redactSecretAssignments(message), { file, line: lineNumber });
    };
    const line = raw.trim();
    if (line === '' || line[0] === ';' || line[0] === '#') return;

    const section = SECTION.exec(line);
    if (section) {
      group = section[1];
      state = section[2] ?? 'hosts';
      if (!['hosts', 'children', 'vars'].includes(state)) fail(`Section [${group}:${state}] has unknown type: ${state}`);
      if (!builder.groups.has(group)) {
        // [g:vars] alone does not declare a group; it must be declared somewhere in this file.
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineNumber, state: 'vars', parents: [] });
        builder.addGroup(group);
      }
      const waiting = pending.get(group);
      if (waiting && state !== 'vars') {
        if (waiting.state === 'children') addPendingChildren(builder, group, pending, file);
        else pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(`Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`);
    }

    if (state === 'hosts') {
      let tokens: string[];
      try {
        tokens = shlexSplit(line);
      } catch (error) {
        return fail(`Error parsing host definition '${line}': ${(error as Error).message}`);
      }
      let expanded;
      try {
        expanded = expandHostPattern(tokens[0]);
      } catch (error) {
        return fail(`${(error as Error).message} in '${tokens[0]}'`);
      }
      if (tokens[0].trim().endsWith(':') && expanded.port === undefined) {
        fail(`Invalid host pattern '${tokens[0]}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`);
      }
      if (expanded.hosts.some((h) => h.trim() === '---')) {
        fail(`Invalid host pattern '${tokens[0]}' supplied, '---' is normally a sign this is a YAML file.`);
      }
      const variables: Array<[string, unknown]> = [];
      for (const token of tokens.slice(1)) {
        const eq = token.indexOf('=');
        if (eq < 0) fail(`Expected key=value host variable assignment, got: ${token}`);
        variables.push([token.slice(0, eq), parseIniValue(token.slice(eq + 1))]);
      }
      for (const host of expanded.hosts) {
        builder.addHost(host, group, expanded.port);
        for (const [key, value] of variables) builder.setHostVariable(host, key, value);
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) fail(`Expected key=value, got: ${line}`);
      const key = line.slice(0, eq).trim();
      builder.setGroupVariable(group, key, parseIniValue(line.slice(eq + 1).trim()), { file, line: lineNumber });
    } else {
      const child = GROUP_NAME.exec(line)?.[1] ?? fail(`Expected group name, got: ${line}`);
      if (builder.groups.has(child)) {
        builder.addChild(group, child, { file, line: lineNumber });
      } else {
        const waiting = pending.get(child);
        if (waiting) waiting.parents.push(group);
        else pending.set(child, { line: lineNumber, state: 'children', parents: [group] });
      }
    }
  });

  // Anything still pending names a group that was never declared; report the first, as Ansible does.
  for (const [name, decl] of pending) {
    if (decl.state === 'vars') {
      throw new InputError(`Section [${name}:vars] not valid for undefined group: ${name}`, { file, line: decl.line });
    }
    throw new InputError(`Section [${decl.parents.at(-1)}:children] includes undefined group: ${name}`, { file, line: decl.line });
  }
}

function addPendingChildren(builder: InventoryBuilder, group: string, pending: Map<string, Pending>, file: string): void {
  const decl = pending.get(group)!;
  for (const parent of decl.parents) {
    builder.addChild(parent, group, { file, line: decl.line });
    const parentDecl = pending.get(parent);
    if (parentDecl && parentDecl.state === 'children') addPendingChildren(builder, parent, pending, file);
  }
  pending.delete(group);
}
