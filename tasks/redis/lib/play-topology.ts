// The cluster topology from the play's host variables (`redis_masters`, `redis_replicas`,
// `redis_allow_same_host`), so the run_once cluster tasks need no parameters of their own.
// NOTE for reconciling: if tasks/redis/topology.ts grows its own vars reader, use that one here.
import { z } from 'zod';
import { InputError } from '../../../src/errors.ts';
import type { Vars } from '../../../src/inventory/types.ts';
import { resolveTopology, type Topology, type TopologyHostInput } from '../topology.ts';

const hostVars = z.object({
  redis_masters: z.array(z.coerce.number().int()).default([]),
  redis_replicas: z
    .array(z.object({ port: z.coerce.number().int(), replica_of: z.string().optional() }))
    .default([]),
  redis_announce_ip: z.string().optional(),
  ansible_host: z.string().optional(),
  redis_allow_same_host: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
});

export function topologyInput(host: { name: string; vars: Vars }): TopologyHostInput & { allowSameHost: boolean } {
  const parsed = hostVars.safeParse(host.vars);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`host ${host.name}: variable ${issue.path.join('.')}: ${issue.message}`);
  }
  const v = parsed.data;
  return {
    name: host.name,
    address: v.redis_announce_ip ?? v.ansible_host ?? host.name,
    masters: v.redis_masters,
    replicas: v.redis_replicas,
    allowSameHost: v.redis_allow_same_host === true || v.redis_allow_same_host === 'true',
  };
}

export function topologyFromPlay(hosts: readonly { name: string; vars: Vars }[]): Topology {
  const inputs = hosts.map(topologyInput);
  const topology = resolveTopology(inputs, { allowSameHost: inputs.some((h) => h.allowSameHost) });
  if (topology.masters.length === 0) throw new InputError('no host of the play lists redis_masters: there is no cluster to form');
  return topology;
}
