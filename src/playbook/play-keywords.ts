import { InputError } from '../errors.ts';
import { GatherSubsetError, resolveSubsetNames } from '../facts/subsets.ts';
import type { Play } from './types.ts';
import { booleanValue, stringList, stringValue, type MapEntry } from './yaml-map.ts';

// The play keywords its hosts and tasks take on: how hosts are reached (remote_user, connection,
// port), whom tasks become (become_user, become_method), the tags every task carries, and how
// facts are gathered (gather_facts, gather_subset). As in
// Ansible, a host's ansible_* variables override the connection keywords
// (src/run/host-vars.ts: withPlayConnection) and a task's own keywords the play's.

export const PLAY_TASK_KEYS = ['remote_user', 'connection', 'port', 'become_user', 'become_method', 'tags', 'gather_facts', 'gather_subset'];

const CONNECTIONS = ['ssh', 'smart', 'paramiko', 'paramiko_ssh', 'local', 'ansible.builtin.ssh', 'ansible.builtin.local', 'ansible.builtin.paramiko_ssh'];
const BECOME_METHODS = ['sudo', 'su'];
const TEMPLATE = /\{\{/;

/** The tags as task.ts reads a task's: a list or comma-separated text, trimmed. */
function tagList(entry: MapEntry): string[] {
  return stringList(entry).flatMap((tag) => tag.split(',')).map((tag) => tag.trim()).filter(Boolean);
}

/** `become_method:` on a play or a task: one the connections can run, or a template (checked when rendered). */
export function becomeMethodValue(entry: MapEntry): string {
  const method = stringValue(entry);
  if (!BECOME_METHODS.includes(method) && !TEMPLATE.test(method)) throw new InputError(`become_method '${method}' is not supported (${BECOME_METHODS.join(', ')} are)`, entry.position);
  return method;
}

/** `gather_subset:` a list or comma-separated text of Ansible's subset names, checked now. */
function gatherSubsetValue(entry: MapEntry): string[] {
  const subset = stringList(entry).flatMap((name) => name.split(',')).map((name) => name.trim()).filter(Boolean);
  try {
    resolveSubsetNames(subset);
  } catch (error) {
    if (error instanceof GatherSubsetError) throw new InputError(error.message, entry.position);
    throw error;
  }
  return subset;
}

export function parsePlayKeywords(byKey: Map<string, MapEntry>): Partial<Play> {
  const fields: Partial<Play> = {};
  const remoteUser = byKey.get('remote_user');
  if (remoteUser) fields.remoteUser = stringValue(remoteUser);
  const connection = byKey.get('connection');
  if (connection) {
    const kind = stringValue(connection);
    if (!CONNECTIONS.includes(kind) && !TEMPLATE.test(kind)) throw new InputError(`connection '${kind}' is not supported (ssh and local are)`, connection.position);
    fields.connection = kind;
  }
  const port = byKey.get('port');
  if (port) {
    const value = typeof port.value === 'string' && /^\s*\d+\s*$/.test(port.value) ? Number(port.value) : port.value;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) throw new InputError("'port' must be a port number", port.position);
    fields.port = value;
  }
  const becomeUser = byKey.get('become_user');
  if (becomeUser) fields.becomeUser = stringValue(becomeUser);
  const becomeMethod = byKey.get('become_method');
  if (becomeMethod) fields.becomeMethod = becomeMethodValue(becomeMethod);
  const tags = byKey.get('tags');
  if (tags) fields.tags = tagList(tags);
  const gatherFacts = byKey.get('gather_facts');
  if (gatherFacts) fields.gatherFacts = booleanValue(gatherFacts);
  const gatherSubset = byKey.get('gather_subset');
  if (gatherSubset) fields.gatherSubset = gatherSubsetValue(gatherSubset);
  return fields;
}

/** The play with its tags on every task (pre_tasks, roles, tasks, post_tasks), as Ansible inherits them. */
export function inheritPlayTags(play: Play): Play {
  const tags = play.tags ?? [];
  if (tags.length === 0) return play;
  for (const task of play.tasks) task.tags = [...new Set([...task.tags, ...tags])];
  return play;
}
