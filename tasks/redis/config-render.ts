// Renders one node's redis.conf from redis.conf.njk: the guide's settings as defaults, the
// user's overrides on top, every per-node path from the port. Pure: node + settings in, text out.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import nunjucks from 'nunjucks';
import { InputError } from '../../src/errors.ts';
import { nodeLayout, type NodeLayout } from './config-layout.ts';

export type SettingValue = string | number | boolean;

/** The node fields a config needs; a TopologyNode has them all. */
export interface ConfigNode {
  ref: string;
  port: number;
  busPort: number;
  address: string;
  role: 'master' | 'replica';
  masterRef?: string;
}

/**
 * The guide's values (section 3.2's master and replica configs, and 3.5's "Not Yet" list).
 * Modern names where Redis renamed a directive: repl-ping-slave-period -> repl-ping-replica-period,
 * cluster-slave-validity-factor -> cluster-replica-validity-factor.
 */
export const DEFAULT_SETTINGS: Readonly<Record<string, SettingValue>> = {
  loglevel: 'verbose',
  maxmemory: '350mb',
  'maxmemory-policy': 'noeviction',
  appendonly: true,
  appendfilename: 'appendonly.aof',
  appendfsync: 'everysec',
  'auto-aof-rewrite-percentage': 100,
  'auto-aof-rewrite-min-size': '64mb',
  'no-appendfsync-on-rewrite': false,
  'cluster-node-timeout': 5000,
  'cluster-replica-validity-factor': 10,
  'cluster-allow-reads-when-down': true,
  'lazyfree-lazy-eviction': true,
  'lazyfree-lazy-expire': true,
  'lazyfree-lazy-server-del': true,
  'replica-lazy-flush': true,
  'lazyfree-lazy-user-del': true,
  'replica-serve-stale-data': false,
  'repl-ping-replica-period': 10,
  'repl-timeout': 60,
  timeout: 2,
  'latency-monitor-threshold': 25,
};

/** Directives playgraph derives per node; overriding them could make two nodes share files. */
export const DERIVED_DIRECTIVES = new Set([
  'daemonize', 'port', 'pidfile', 'logfile', 'dir', 'dbfilename', 'bind', 'appenddirname', 'cluster-enabled',
  'cluster-config-file', 'cluster-announce-ip', 'cluster-announce-port', 'cluster-announce-bus-port',
  'requirepass', 'masterauth', 'include',
]);

/**
 * A value as redis.conf reads it (sdssplitargs): bare when it has no space, quote or backslash,
 * else double-quoted with \\ and \" escaped. Newlines would start a new directive: refused.
 */
export function confValue(value: SettingValue): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = String(value);
  if (/[\r\n\0]/.test(text)) throw new InputError('a redis.conf value must not contain a newline or NUL');
  if (text !== '' && /^[^\s"'\\]+$/.test(text)) return text;
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Defaults with overrides applied, and the overrides the template has no line for. */
export function mergeSettings(overrides: Record<string, SettingValue>): { settings: Record<string, SettingValue>; extra: [string, SettingValue][] } {
  const settings = { ...DEFAULT_SETTINGS };
  const extra: [string, SettingValue][] = [];
  for (const [key, value] of Object.entries(overrides)) {
    const name = key.toLowerCase();
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new InputError(`settings: "${key}" is not a redis.conf directive name`);
    if (DERIVED_DIRECTIVES.has(name)) {
      throw new InputError(`settings: ${name} is set by redis.config itself (derived from the node's port, bind or password params)`);
    }
    if (name in settings) settings[name] = value;
    else extra.push([name, value]);
  }
  return { settings, extra };
}

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, trimBlocks: true, lstripBlocks: true });
env.addFilter('conf', confValue);
const template = nunjucks.compile(readFileSync(new URL('./redis.conf.njk', import.meta.url), 'utf8'), env);

export interface RenderInput {
  node: ConfigNode;
  host: string;
  baseDir: string;
  bind: string;
  password?: string;
  settings: Record<string, SettingValue>;
}

export function renderNodeConfig(input: RenderInput): { layout: NodeLayout; text: string } {
  const layout = nodeLayout(input.host, input.baseDir, input.node.port);
  const { settings, extra } = mergeSettings(input.settings);
  if (/[\r\n]/.test(input.bind) || input.bind.trim() === '') throw new InputError('bind must be one line of addresses');
  const text = template.render({
    node: { masterRef: '', ...input.node },
    files: layout,
    s: settings,
    extra,
    bind: input.bind.trim(),
    announceIp: isIP(input.node.address) ? input.node.address : '',
    hasPassword: Boolean(input.password),
    password: input.password ?? '',
  });
  return { layout, text };
}
