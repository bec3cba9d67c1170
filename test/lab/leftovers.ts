// What a test run may leave on the machine: lab network namespaces, lab links (bridges pgbrN,
// veths pgXXXXvN), redis-servers and lab sshds. `npm test` records this before vitest and names
// everything new afterwards, so a leak fails the run instead of piling up across runs.
import { readdir, readFile } from 'node:fs/promises';
import { listNetns } from './lab-network.ts';
import { runQuietly } from './run-command.ts';

export interface MachineState {
  netns: string[];
  links: string[];
  /** `pid:starttime cmdline`: pid plus start time, so a reused pid is not taken for the old process. */
  processes: string[];
}

/** A bridge of a lab (pgbr0, pgbr17) or the controller end of a host's veth (pg1a2bv3). */
export const LAB_LINK = /^pg(br\d+|[0-9a-f]{4}v\d+)$/;
/** Lab sshds run with their config under the lab dir (lab-host.ts); their sessions live in the lab's namespaces. */
const LAB_DIR_PREFIX = '/var/tmp/playgraph-lab-';

/** `ip -o link show` lines -> interface names (without the `@peer` suffix of a veth). */
export function parseLinkNames(ipOutput: string): string[] {
  return ipOutput
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** Whether a process (its /proc comm and command line) is one a test run must not leave behind. */
export function isWatchedProcess(comm: string, cmdline: string): boolean {
  return comm === 'redis-server' || (comm === 'sshd' && cmdline.includes(LAB_DIR_PREFIX));
}

/** What is in `after` and was not in `before`, one human line each. */
export function leftovers(before: MachineState, after: MachineState): string[] {
  const added = (key: keyof MachineState) => after[key].filter((item) => !before[key].includes(item));
  return [
    ...added('netns').map((n) => `network namespace ${n}`),
    ...added('links').map((l) => `network link ${l}`),
    ...added('processes').map((p) => `process ${p.replace(/^(\d+):\d+ /, '$1 ')}`),
  ];
}

export async function readMachineState(): Promise<MachineState> {
  const links = parseLinkNames(await runQuietly('ip', ['-o', 'link', 'show'])).filter((name) => LAB_LINK.test(name));
  const processes: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const [comm, cmdline, key] = await Promise.all([
      readFile(`/proc/${entry}/comm`, 'utf8').catch(() => null),
      readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => null),
      processKey(entry),
    ]);
    if (comm === null || cmdline === null || key === null) continue; // exited while we looked
    const args = cmdline.split('\0').filter(Boolean).join(' ');
    if (isWatchedProcess(comm.trim(), args)) processes.push(`${key} ${args}`);
  }
  return { netns: (await listNetns('pglab-')).sort(), links: links.sort(), processes: processes.sort() };
}

/**
 * `pid:starttime` of a live process; null once it is gone or dead (a zombie waiting for its
 * parent to reap it runs nothing and holds nothing). A reused pid gets another key.
 */
export async function processKey(pid: number | string): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // Fields from 3 on, counted after the parenthesised comm (which may hold spaces).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return null;
  return `${pid}:${fields[19]}`;
}
