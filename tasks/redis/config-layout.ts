// Where each node's files live. Every path is derived from the base dir and the port, and
// redis.config refuses overrides of the per-node directives, so two nodes can share a file only
// by sharing a port on one machine, which the topology refuses (naming both inventory hosts when
// two names are one machine). The guide's slip, a replica config that kept the master's
// `cluster-config-file node-7300.conf` and logfile, cannot be written.

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
