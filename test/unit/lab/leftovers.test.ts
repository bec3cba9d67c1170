// What scripts/test.sh calls a leak, from data: only what appeared during the run counts, and a
// reused pid is a new process.
import { describe, expect, it } from 'vitest';
import { isWatchedProcess, LAB_LINK, leftovers, parseLinkNames, type MachineState } from '../../../test/lab/leftovers.ts';

const EMPTY: MachineState = { netns: [], links: [], processes: [] };

describe('leftovers', () => {
  it('names every namespace, link and process that is new, nothing that was there before', () => {
    const before: MachineState = { netns: ['pglab-try-server1'], links: ['pgbr42'], processes: ['100:555 redis-server *:6379'] };
    const after: MachineState = {
      netns: ['pglab-try-server1', 'pglab-default-server2'],
      links: ['pgbr42', 'pgbr0', 'pg7505v2'],
      processes: ['100:555 redis-server *:6379', '200:900 /opt/bin/redis-server 10.231.0.11:7300 [cluster]'],
    };
    expect(leftovers(before, after)).toEqual([
      'network namespace pglab-default-server2',
      'network link pgbr0',
      'network link pg7505v2',
      'process 200 /opt/bin/redis-server 10.231.0.11:7300 [cluster]',
    ]);
  });

  it('takes a pid reused by a new process (another start time) for a leftover', () => {
    const before: MachineState = { ...EMPTY, processes: ['100:555 redis-server *:6379'] };
    expect(leftovers(before, { ...EMPTY, processes: ['100:777 redis-server *:7300'] })).toEqual(['process 100 redis-server *:7300']);
  });

  it('is empty when the run cleaned up after itself', () => {
    const state: MachineState = { netns: ['pglab-bench-server1'], links: ['pgbr9'], processes: [] };
    expect(leftovers(state, state)).toEqual([]);
    expect(leftovers(state, EMPTY)).toEqual([]);
  });
});

describe('what is watched', () => {
  it('redis-servers and the lab sshds, not the machine\'s own sshd', () => {
    expect(isWatchedProcess('redis-server', '/usr/local/bin/redis-server 10.231.0.11:7300 [cluster]')).toBe(true);
    expect(isWatchedProcess('sshd', 'sshd: /usr/sbin/sshd -D -f /var/tmp/playgraph-lab-default/hosts/server2/ssh/sshd_config [listener] 0 of 200-200 startups')).toBe(true);
    expect(isWatchedProcess('sshd', 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups')).toBe(false);
    expect(isWatchedProcess('node', 'node redis-server.js')).toBe(false);
  });

  it('reads link names from `ip -o link show` and keeps the lab\'s bridges and veths', () => {
    const output = [
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT',
      '7: pgbr0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT',
      '9: pg7505v1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master pgbr0 state UP',
      '12: eth0@if13: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500',
    ].join('\n');
    expect(parseLinkNames(output)).toEqual(['lo', 'pgbr0', 'pg7505v1', 'eth0']);
    expect(parseLinkNames(output).filter((n) => LAB_LINK.test(n))).toEqual(['pgbr0', 'pg7505v1']);
  });
});
