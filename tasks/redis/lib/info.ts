// Parsers for INFO and CLUSTER INFO: `key:value` lines, INFO grouped under `# Section` headers.

export type InfoFields = Record<string, string>;

/** Every `key:value` line of INFO or CLUSTER INFO, sections flattened (keys are unique across them). */
export function parseInfo(text: string): InfoFields {
  const fields: InfoFields = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

export interface ClusterInfo {
  state: 'ok' | 'fail';
  slotsAssigned: number;
  slotsOk: number;
  knownNodes: number;
  size: number;
}

export function parseClusterInfo(text: string): ClusterInfo {
  const f = parseInfo(text);
  return {
    state: f.cluster_state === 'ok' ? 'ok' : 'fail',
    slotsAssigned: Number(f.cluster_slots_assigned ?? 0),
    slotsOk: Number(f.cluster_slots_ok ?? 0),
    knownNodes: Number(f.cluster_known_nodes ?? 0),
    size: Number(f.cluster_size ?? 0),
  };
}

/** Keys over every database from INFO keyspace (`db0:keys=12,expires=0,avg_ttl=0`). */
export function keyCount(info: InfoFields): number {
  let total = 0;
  for (const [key, value] of Object.entries(info)) {
    if (!/^db\d+$/.test(key)) continue;
    const match = /(?:^|,)keys=(\d+)/.exec(value);
    if (match) total += Number(match[1]);
  }
  return total;
}

/** [major, minor, patch] of `redis_version`. */
export function redisVersion(info: InfoFields): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = (info.redis_version ?? '0.0.0').split('.').map(Number);
  return [major, minor, patch];
}
