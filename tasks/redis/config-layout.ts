// Where each node's files live, and the check that no two nodes on one host share any of them.
// Every path is derived from the port, so generated layouts cannot collide; the check is there
// for what a user brings (hand-written configs, overrides), as the guide's own replica config
// did when it kept the master's `cluster-config-file node-7300.conf` and logfile.
import { posix } from 'node:path';
import { InputError } from '../../src/errors.ts';

/** The files and names one Redis node owns on its host. Relative names are relative to `dir`. */
export interface NodeLayout {
  host: string;
  port: number;
  configFile: string;
  dir: string;
  pidfile: string;
  logfile: string;
  clusterConfigFile: string;
  appendDirName: string;
  dbFilename: string;
}

/** The layout playgraph generates: `<base>/<port>.conf` and everything else in `<base>/<port>/`. */
export function nodeLayout(host: string, baseDir: string, port: number): NodeLayout {
  const base = baseDir.replace(/\/+$/, '');
  const dir = `${base}/${port}`;
  return {
    host,
    port,
    configFile: `${base}/${port}.conf`,
    dir,
    pidfile: `${dir}/redis_${port}.pid`,
    logfile: `${dir}/redis_${port}.log`,
    clusterConfigFile: `nodes-${port}.conf`,
    appendDirName: `appendonlydir-${port}`,
    dbFilename: `dump-${port}.rdb`,
  };
}

/**
 * Redis chdirs into `dir` while loading its config, and opens the pidfile, logfile, cluster
 * config, AOF dir and RDB file afterwards, so relative names resolve against `dir`.
 */
function resolvedFiles(layout: NodeLayout): [string, string][] {
  const inDir = (name: string) => posix.resolve(layout.dir, name);
  return [
    ['port', String(layout.port)],
    ['config file', posix.resolve(layout.configFile)],
    ['cluster-config-file', inDir(layout.clusterConfigFile)],
    ['logfile', inDir(layout.logfile)],
    ['pidfile', inDir(layout.pidfile)],
    ['AOF dir (dir + appenddirname)', inDir(layout.appendDirName)],
    ['RDB file (dir + dbfilename)', inDir(layout.dbFilename)],
  ];
}

/** Every pair of nodes on one host that would share a file or port, as messages. */
export function layoutCollisions(layouts: readonly NodeLayout[]): string[] {
  const seen = new Map<string, number>(); // host + what + value -> port of the first node
  const collisions: string[] = [];
  for (const layout of layouts) {
    for (const [what, value] of resolvedFiles(layout)) {
      const key = `${layout.host}\0${what}\0${value}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, layout.port);
      else collisions.push(`host ${layout.host}: nodes ${first} and ${layout.port} would share ${what} ${value}`);
    }
  }
  return collisions;
}

/** Refuses a layout where two nodes on one host would share a file or port. */
export function checkLayoutCollisions(layouts: readonly NodeLayout[]): void {
  const collisions = layoutCollisions(layouts);
  if (collisions.length > 0) throw new InputError(`redis node layout refused:\n  ${collisions.join('\n  ')}`);
}

/**
 * A node's layout read from a redis.conf text, with Redis's defaults for what it leaves out
 * (dir ".", nodes.conf, appendonlydir, dump.rdb, no logfile, /var/run/redis_<port>.pid).
 */
export function layoutFromConfText(host: string, configFile: string, text: string): NodeLayout {
  const directives = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\S+)\s+(.*)$/.exec(line);
    if (match) directives.set(match[1].toLowerCase(), match[2].trim().replace(/^"(.*)"$/, '$1'));
  }
  const port = Number(directives.get('port') ?? 6379);
  return {
    host,
    port,
    configFile,
    dir: posix.resolve(posix.dirname(configFile), directives.get('dir') ?? '.'),
    pidfile: directives.get('pidfile') ?? `/var/run/redis_${port}.pid`,
    // An empty logfile means stdout, which nodes may share; give it a name that cannot collide.
    logfile: directives.get('logfile') || `/dev/stdout#${port}`,
    clusterConfigFile: directives.get('cluster-config-file') ?? 'nodes.conf',
    appendDirName: directives.get('appenddirname') ?? 'appendonlydir',
    dbFilename: directives.get('dbfilename') ?? 'dump.rdb',
  };
}
