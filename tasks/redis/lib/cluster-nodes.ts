// Parsers for what a Redis node says about the cluster: CLUSTER NODES, CLUSTER MYID. Pure text in,
// facts out, so every planner is tested from captured output with no server at all.
import { TaskError } from '../../../src/errors.ts';
import type { SlotRange } from '../topology.ts';

/** One line of CLUSTER NODES. */
export interface ClusterNodeEntry {
  id: string;
  ip: string;
  port: number;
  busPort: number;
  hostname?: string;
  flags: string[];
  /** The master's node id for a replica; undefined for a master ("-"). */
  masterId?: string;
  configEpoch: number;
  linkState: 'connected' | 'disconnected';
  /** Slots this node serves, as written: single slots become one-slot ranges. */
  slots: SlotRange[];
  /** `[slot->-id]`: slots being moved away from this node. */
  migrating: { slot: number; to: string }[];
  /** `[slot-<-id]`: slots being moved into this node. */
  importing: { slot: number; from: string }[];
}

export interface ClusterNodesView {
  /** The line flagged `myself`: the node that answered. */
  myself: ClusterNodeEntry;
  nodes: ClusterNodeEntry[];
}

const NODE_ID = /^[0-9a-f]{40}$/;

export function parseClusterNodes(text: string): ClusterNodesView {
  const nodes = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map(parseNodeLine);
  const myself = nodes.find((n) => n.flags.includes('myself'));
  if (!myself) throw new TaskError('CLUSTER NODES output has no line flagged "myself"');
  return { myself, nodes };
}

function parseNodeLine(line: string): ClusterNodeEntry {
  const fields = line.split(/\s+/);
  if (fields.length < 8 || !NODE_ID.test(fields[0])) {
    throw new TaskError(`unexpected CLUSTER NODES line: ${line}`);
  }
  const [id, address, flagText, master, , , epoch, linkState, ...slotFields] = fields;
  const { ip, port, busPort, hostname } = parseAddress(address, line);
  const entry: ClusterNodeEntry = {
    id,
    ip,
    port,
    busPort,
    ...(hostname ? { hostname } : {}),
    flags: flagText === 'noflags' ? [] : flagText.split(','),
    ...(master !== '-' ? { masterId: master } : {}),
    configEpoch: Number(epoch),
    linkState: linkState === 'connected' ? 'connected' : 'disconnected',
    slots: [],
    migrating: [],
    importing: [],
  };
  for (const field of slotFields) parseSlotField(field, entry, line);
  return entry;
}

/** `ip:port@cport[,hostname]`; the ip may be IPv6 (colons) or empty for a node without address. */
function parseAddress(address: string, line: string) {
  const [endpoint, hostname] = address.split(',', 2);
  const match = /^(.*):(\d+)@(\d+)$/.exec(endpoint);
  if (!match) throw new TaskError(`unexpected address "${address}" in CLUSTER NODES line: ${line}`);
  return { ip: match[1], port: Number(match[2]), busPort: Number(match[3]), hostname: hostname || undefined };
}

function parseSlotField(field: string, entry: ClusterNodeEntry, line: string): void {
  const moving = /^\[(\d+)-([<>])-([0-9a-f]{40})\]$/.exec(field);
  if (moving) {
    const slot = Number(moving[1]);
    if (moving[2] === '>') entry.migrating.push({ slot, to: moving[3] });
    else entry.importing.push({ slot, from: moving[3] });
    return;
  }
  const range = /^(\d+)(?:-(\d+))?$/.exec(field);
  if (!range) throw new TaskError(`unexpected slot "${field}" in CLUSTER NODES line: ${line}`);
  const first = Number(range[1]);
  entry.slots.push({ first, last: range[2] === undefined ? first : Number(range[2]) });
}

/** CLUSTER MYID answers the bare 40-hex id. */
export function parseMyId(text: string): string {
  const id = text.trim();
  if (!NODE_ID.test(id)) throw new TaskError(`unexpected CLUSTER MYID answer: ${id.slice(0, 80)}`);
  return id;
}

export function isReplica(entry: ClusterNodeEntry): boolean {
  return entry.flags.includes('slave') || entry.flags.includes('replica');
}

/** A node other nodes consider failed, or one still in the MEET handshake (its id is temporary). */
export function isUnhealthy(entry: ClusterNodeEntry): boolean {
  return entry.flags.some((f) => f === 'fail' || f === 'fail?' || f === 'handshake' || f === 'noaddr');
}
