import { describe, expect, it } from 'vitest';
import { asSeenBy, FORMED, freshTable, IDS } from '../testdata/cluster-samples.ts';
import { isReplica, isUnhealthy, parseClusterNodes, parseMyId } from './cluster-nodes.ts';
import { keyCount, parseClusterInfo, parseInfo, redisVersion } from './info.ts';
import { addSlotsCommands, formatRanges, rangesWhere } from './slots.ts';

describe('parseClusterNodes', () => {
  it('reads the formed guide layout as 7402 prints it', () => {
    const view = parseClusterNodes(asSeenBy(FORMED, 7402));
    expect(view.nodes).toHaveLength(6);
    expect(view.myself).toMatchObject({ id: IDS[7402], ip: '127.0.0.1', port: 7402, busPort: 17402, masterId: IDS[7300] });
    expect(isReplica(view.myself)).toBe(true);
    const m = view.nodes.find((n) => n.port === 7302)!;
    expect(m).toMatchObject({ flags: ['master'], slots: [{ first: 10923, last: 16383 }], linkState: 'connected', configEpoch: 3 });
    expect(m.masterId).toBeUndefined();
  });

  it('reads a fresh node without an address', () => {
    const view = parseClusterNodes(freshTable(7300));
    expect(view.myself).toMatchObject({ ip: '', port: 7300, busPort: 17300, slots: [], flags: ['myself', 'master'] });
  });

  it('reads single slots, migrating and importing entries, hostnames, IPv6 and handshakes', () => {
    const other = 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca';
    const view = parseClusterNodes(
      `${IDS[7300]} 10.0.0.1:7300@17300,server1 myself,master - 0 0 1 connected 0-99 100 [101->-${other}] [102-<-${other}]\n` +
        `${other} ::1:7301@17301 handshake - 0 0 0 disconnected\n`,
    );
    expect(view.myself.hostname).toBe('server1');
    expect(view.myself.slots).toEqual([{ first: 0, last: 99 }, { first: 100, last: 100 }]);
    expect(view.myself.migrating).toEqual([{ slot: 101, to: other }]);
    expect(view.myself.importing).toEqual([{ slot: 102, from: other }]);
    expect(view.nodes[1]).toMatchObject({ ip: '::1', port: 7301, linkState: 'disconnected' });
    expect(isUnhealthy(view.nodes[1])).toBe(true);
  });

  it('refuses output without a myself line or with a broken line', () => {
    expect(() => parseClusterNodes(FORMED)).toThrow(/myself/);
    expect(() => parseClusterNodes('garbage line here')).toThrow(/unexpected CLUSTER NODES line/);
  });

  it('parses CLUSTER MYID', () => {
    expect(parseMyId(`${IDS[7301]}\n`)).toBe(IDS[7301]);
    expect(() => parseMyId('ERR This instance has cluster support disabled')).toThrow(/MYID/);
  });
});

describe('INFO parsers', () => {
  const info = parseInfo(
    '# Server\r\nredis_version:7.0.15\r\nconfig_file:/srv/7300.conf\r\n\r\n# Replication\r\nrole:slave\r\nmaster_link_status:up\r\n' +
      '# Keyspace\r\ndb0:keys=12,expires=0,avg_ttl=0\r\ndb3:keys=3,expires=1,avg_ttl=10\r\n',
  );
  it('reads fields across sections, key counts over every db, and the version', () => {
    expect(info.config_file).toBe('/srv/7300.conf');
    expect(info.master_link_status).toBe('up');
    expect(keyCount(info)).toBe(15);
    expect(keyCount(parseInfo('# Keyspace\r\n'))).toBe(0);
    expect(redisVersion(info)).toEqual([7, 0, 15]);
  });
  it('reads CLUSTER INFO', () => {
    expect(parseClusterInfo('cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_known_nodes:6\r\ncluster_size:3\r\n')).toMatchObject({
      state: 'ok',
      slotsAssigned: 16384,
      knownNodes: 6,
      size: 3,
    });
  });
});

describe('slots', () => {
  it('finds the unserved runs of a range', () => {
    const served = new Set([5, 6, 7, 20]);
    expect(rangesWhere({ first: 0, last: 25 }, (s) => !served.has(s))).toEqual([
      { first: 0, last: 4 },
      { first: 8, last: 19 },
      { first: 21, last: 25 },
    ]);
    expect(formatRanges([{ first: 0, last: 4 }, { first: 9, last: 9 }])).toBe('0-4,9');
  });
  it('uses ADDSLOTSRANGE on Redis 7, ADDSLOTS batches before', () => {
    expect(addSlotsCommands([{ first: 0, last: 5460 }, { first: 6000, last: 6001 }], true)).toEqual([
      ['CLUSTER', 'ADDSLOTSRANGE', '0', '5460', '6000', '6001'],
    ]);
    const batches = addSlotsCommands([{ first: 0, last: 2499 }], false, 1000);
    expect(batches.map((b) => b.length - 2)).toEqual([1000, 1000, 500]);
    expect(batches[2].at(-1)).toBe('2499');
    expect(addSlotsCommands([], true)).toEqual([]);
  });
});
