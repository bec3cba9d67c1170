// Whether a running node predates the last change of its config file, so a restart handler
// restarts only the nodes that run an old config.
//
// The process's start time is taken from its pidfile: redis-server writes it once at startup,
// after it has read its config, and the file's mtime comes from the same filesystem clock as the
// config's mtime, so the two compare exactly. /proc/<pid>/stat counts start time in 10 ms ticks
// since boot and has to be moved onto the wall clock through /proc/uptime and `date`, an error
// of ±20 ms that would restart every node the first run starts right after writing its config.
import type { Connection } from '../../../src/connect/connection.ts';

export interface ConfigAge {
  /** mtime of the config file, seconds since the epoch (ns digits kept where the filesystem has them). */
  configChangedAt?: number;
  /** mtime of the pidfile the running process wrote at startup; undefined when it is not that process's. */
  startedAt?: number;
  /** Why the times are unknown; a node with unknown times is restarted (the safe side). */
  unknown?: string;
}

/** `stat -c %.9Y CONFIG PIDFILE` output and the pidfile's content -> the two times. */
export function parseConfigAge(statOut: string, statCode: number, pidfileText: string | null, pid: number): ConfigAge {
  if (pidfileText === null) return { unknown: 'no pidfile' };
  if (Number(pidfileText.trim()) !== pid) return { unknown: `pidfile names pid ${pidfileText.trim() || '(empty)'}, not ${pid}` };
  const times = statOut.trim().split('\n').map(Number);
  if (statCode !== 0 || times.length !== 2 || times.some((t) => !Number.isFinite(t))) {
    return { unknown: `stat did not report both mtimes (exit ${statCode})` };
  }
  return { configChangedAt: times[0], startedAt: times[1] };
}

/** True unless the process certainly started after the config's last change (equal times: restart). */
export function runsOldConfig(age: ConfigAge): boolean {
  return age.startedAt === undefined || age.configChangedAt === undefined || age.startedAt <= age.configChangedAt;
}

export async function readConfigAge(
  conn: Connection,
  files: { configFile: string; pidfile: string },
  pid: number,
  options: { become: boolean; signal?: AbortSignal },
): Promise<ConfigAge> {
  const pidfile = await conn.readFile(files.pidfile, { become: options.become });
  const stat = await conn.exec(['stat', '-c', '%.9Y', '--', files.configFile, files.pidfile], options);
  return parseConfigAge(stat.stdout, stat.code ?? -1, pidfile?.toString('utf8') ?? null, pid);
}
