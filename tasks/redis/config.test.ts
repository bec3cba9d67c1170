import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { confValue, mergeSettings, renderNodeConfig, type ConfigNode } from './config-render.ts';
import { configParams, planConfigFiles, taskModule } from './config.ts';

const master: ConfigNode = { ref: 'server1:7300', port: 7300, busPort: 17300, address: '192.168.0.101', role: 'master' };
const replica: ConfigNode = { ref: 'server1:7402', port: 7402, busPort: 17402, address: '192.168.0.101', role: 'replica', masterRef: 'server3:7302' };
const render = (node: ConfigNode, password?: string, settings = {}) =>
  renderNodeConfig({ node, host: 'server1', baseDir: '/home/ubuntu/redis-cluster/', bind: '0.0.0.0 -::1', password, settings }).text;
const directives = (text: string) =>
  new Map(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.split(' ')[0], l.slice(l.indexOf(' ') + 1)]));

describe('renderNodeConfig', () => {
  it("writes the guide's master settings with every path derived from the port", () => {
    const d = directives(render(master, 'thisispassword'));
    expect(Object.fromEntries(d)).toMatchObject({
      daemonize: 'yes',
      port: '7300',
      pidfile: '/home/ubuntu/redis-cluster/7300/redis_7300.pid',
      logfile: '/home/ubuntu/redis-cluster/7300/redis_7300.log',
      dir: '/home/ubuntu/redis-cluster/7300',
      bind: '0.0.0.0 -::1',
      maxmemory: '350mb',
      'maxmemory-policy': 'noeviction',
      appendonly: 'yes',
      appendfilename: 'appendonly.aof',
      appenddirname: 'appendonlydir-7300',
      appendfsync: 'everysec',
      'auto-aof-rewrite-percentage': '100',
      'auto-aof-rewrite-min-size': '64mb',
      'cluster-enabled': 'yes',
      'cluster-config-file': 'nodes-7300.conf',
      'cluster-announce-ip': '192.168.0.101',
      'cluster-announce-port': '7300',
      'cluster-announce-bus-port': '17300',
      requirepass: 'thisispassword',
      masterauth: 'thisispassword',
      'lazyfree-lazy-eviction': 'yes',
      'lazyfree-lazy-user-del': 'yes',
      'replica-lazy-flush': 'yes',
      'cluster-node-timeout': '5000',
      'cluster-replica-validity-factor': '10',
      'cluster-allow-reads-when-down': 'yes',
      timeout: '2',
      'no-appendfsync-on-rewrite': 'no',
      'latency-monitor-threshold': '25',
    });
  });

  it("writes the guide's replica settings under the replica's own port", () => {
    const text = render(replica, 'thisispassword');
    expect(text).toContain('# Created as a replica of server3:7302.');
    const d = directives(text);
    expect(d.get('port')).toBe('7402');
    expect(d.get('cluster-config-file')).toBe('nodes-7402.conf');
    expect(d.get('logfile')).toBe('/home/ubuntu/redis-cluster/7402/redis_7402.log');
    expect(d.get('appenddirname')).toBe('appendonlydir-7402');
    expect(d.get('cluster-announce-bus-port')).toBe('17402');
    expect(d.get('replica-serve-stale-data')).toBe('no');
    expect(d.get('repl-ping-replica-period')).toBe('10');
    expect(d.get('repl-timeout')).toBe('60');
  });

  it('leaves requirepass and masterauth out without a password', () => {
    const d = directives(render(master));
    expect(d.has('requirepass')).toBe(false);
    expect(d.has('masterauth')).toBe(false);
  });

  it('quotes a password with spaces or quotes as redis.conf reads it', () => {
    expect(directives(render(master, 'a b"c\\d')).get('requirepass')).toBe('"a b\\"c\\\\d"');
  });

  it('applies overrides in place and appends unknown directives', () => {
    const text = render(master, undefined, { timeout: 0, 'cluster-node-timeout': 15000, hz: 20 });
    const d = directives(text);
    expect(d.get('timeout')).toBe('0');
    expect(d.get('cluster-node-timeout')).toBe('15000');
    expect(text).toMatch(/# Overrides given in the task's settings\nhz 20\n/);
  });

  it('does not announce an address that is not an IP', () => {
    const text = render({ ...master, address: 'server1.example' });
    expect(directives(text).has('cluster-announce-ip')).toBe(false);
    expect(text).toContain('"server1.example" is not an IP address');
  });

  it('refuses overrides of per-node directives and values with newlines', () => {
    expect(() => mergeSettings({ 'cluster-config-file': 'node-7300.conf' })).toThrow(/cluster-config-file is set by redis.config itself/);
    expect(() => mergeSettings({ logfile: 'x' })).toThrow(InputError);
    expect(() => render(master, 'pw\nrequirepass other')).toThrow(/newline/);
    expect(() => mergeSettings({ 'bad name': 1 })).toThrow(/not a redis.conf directive/);
  });

  it('renders values as redis.conf reads them', () => {
    expect(confValue(true)).toBe('yes');
    expect(confValue(false)).toBe('no');
    expect(confValue(350)).toBe('350');
    expect(confValue('')).toBe('""');
  });
});

describe('per-node files', () => {
  const guideNodes: ConfigNode[] = [7300, 7301, 7302, 7400, 7401, 7402].map((port) => ({
    ref: `local:${port}`, port, busPort: port + 10000, address: '127.0.0.1', role: port < 7400 ? 'master' : 'replica',
  }));
  it("gives each of the guide's six nodes on one machine its own files, as Redis resolves them", () => {
    const files = guideNodes.flatMap((node) => {
      const d = directives(renderNodeConfig({ node, host: 'local', baseDir: '/r', bind: '127.0.0.1', settings: {} }).text);
      // Redis opens relative names in `dir`: the cluster config, the AOF dir and the RDB file.
      const dir = d.get('dir')!;
      return [`/r/${node.port}.conf`, d.get('pidfile'), d.get('logfile'), `${dir}/${d.get('cluster-config-file')}`, `${dir}/${d.get('appenddirname')}`, `${dir}/${d.get('dbfilename')}`, dir];
    });
    expect(files).toHaveLength(42);
    expect(new Set(files).size).toBe(42);
  });

  it("refuses the guide's slip (a replica keeping node-7300.conf) as an override, and a port given twice", async () => {
    expect(() => mergeSettings({ 'cluster-config-file': 'node-7300.conf' })).toThrow(/cluster-config-file is set by redis.config itself/);
    const ctx = { host: { name: 'server1', vars: {} }, addSecret: () => undefined } as never;
    const twice = configParams.parse({ nodes: [{ port: 7300, address: '10.0.0.1' }, { port: 7300, address: '10.0.0.1', role: 'replica' }] });
    await expect(taskModule.check(ctx, twice)).rejects.toThrow('redis.config on server1: port 7300 is used by two nodes, which would share its files');
    const busPort = configParams.parse({ nodes: [{ port: 7300, address: '10.0.0.1' }, { port: 17300, address: '10.0.0.1' }] });
    await expect(taskModule.check(ctx, busPort)).rejects.toThrow(/port 17300 is used by two nodes/);
  });
});

describe('planConfigFiles', () => {
  const rendered = [
    { path: '/r/7300.conf', dir: '/r/7300', content: 'port 7300\n' },
    { path: '/r/7402.conf', dir: '/r/7402', content: 'port 7402\n' },
  ];
  it('creates missing files and dirs, showing them as diffs', () => {
    const plan = planConfigFiles(rendered, { existing: new Map(), missingDirs: new Set(['/r/7300', '/r/7402']) });
    expect(plan.summary).toEqual(['create /r/7300.conf', 'create /r/7402.conf', 'create dir /r/7300', 'create dir /r/7402']);
    expect(plan.changes[0]).toEqual({ path: '/r/7300.conf', before: null, after: 'port 7300\n' });
    expect(plan.state.files.map((f) => f.write)).toEqual([true, true]);
  });
  it('is empty when contents and modes match, and fixes only what differs', () => {
    const same = new Map([
      ['/r/7300.conf', { content: 'port 7300\n', mode: 0o100600 }],
      ['/r/7402.conf', { content: 'port 7402\n', mode: 0o600 }],
    ]);
    expect(planConfigFiles(rendered, { existing: same, missingDirs: new Set() }).summary).toEqual([]);
    const drift = new Map([
      ['/r/7300.conf', { content: 'port 7300\n', mode: 0o644 }],
      ['/r/7402.conf', { content: 'port 6379\n', mode: 0o600 }],
    ]);
    const plan = planConfigFiles(rendered, { existing: drift, missingDirs: new Set() });
    expect(plan.summary).toEqual(['chmod 0600 /r/7300.conf (was 0644)', 'update /r/7402.conf']);
    expect(plan.changes).toEqual([{ path: '/r/7402.conf', before: 'port 6379\n', after: 'port 7402\n' }]);
  });
});

describe('configParams', () => {
  it('defaults base_dir, bind and settings', () => {
    expect(configParams.parse({})).toEqual({ allow_same_host: false, base_dir: '/var/lib/redis-cluster', bind: '0.0.0.0 -::1', settings: {} });
  });
});
