// The facts and files of kernel.tune as pure functions: what a THP file says, how sysctl.conf and
// limits.conf change to carry the wanted values, the unit that keeps THP off across reboots.

import { editSysctlConf as editSysctlSetting } from '../core/sysctl.ts';

/** `always madvise [never]` -> 'never': the bracketed word is the active choice. */
export function parseThpMode(content: string): string | null {
  return /\[([^\]]+)\]/.exec(content)?.[1] ?? null;
}

/**
 * sysctl.conf with each key set to its value, by core.sysctl's editor one key at a time (one rule
 * for sysctl.conf in the codebase, Ansible's: the first line for a key is rewritten, later
 * duplicates dropped, a missing key appended). Comments and unrelated lines stay as they are.
 */
export function editSysctlConf(text: string | null, wanted: Record<string, string>): string {
  return Object.entries(wanted).reduce<string | null>((current, [key, value]) => editSysctlSetting(current, key, value), text) ?? '';
}

export interface LimitEntry {
  domain: string;
  type: 'soft' | 'hard';
  item: 'nofile' | 'nproc';
  value: number;
}

/** limits.conf entries for a user: soft and hard nofile and nproc, as the guide sets them. */
export function limitEntries(user: string, nofile: number, nproc: number): LimitEntry[] {
  return (['nofile', 'nproc'] as const).flatMap((item) =>
    (['soft', 'hard'] as const).map((type) => ({ domain: user, type, item, value: item === 'nofile' ? nofile : nproc })),
  );
}

/** limits.conf with each entry present once with its value; other lines kept. */
export function editLimitsConf(text: string | null, entries: LimitEntry[]): string {
  const lines = text === null || text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const done = new Set<LimitEntry>();
  const out: string[] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    const entry = line.trimStart().startsWith('#')
      ? undefined
      : entries.find((e) => fields[0] === e.domain && fields[1] === e.type && fields[2] === e.item);
    if (!entry) {
      out.push(line);
    } else if (!done.has(entry)) {
      done.add(entry);
      out.push(fields[3] === String(entry.value) ? line : `${entry.domain} ${entry.type} ${entry.item} ${entry.value}`);
    } // a later duplicate of an entry already written is dropped: limits.conf takes the last one
  }
  const missing = entries.filter((e) => !done.has(e));
  if (missing.length > 0) {
    out.push('# Redis (playgraph kernel.tune)', ...missing.map((e) => `${e.domain} ${e.type} ${e.item} ${e.value}`));
  }
  return `${out.join('\n')}\n`;
}

export const THP_UNIT_PATH = '/etc/systemd/system/disable-transparent-hugepages.service';
export const THP_UNIT_LINK = '/etc/systemd/system/multi-user.target.wants/disable-transparent-hugepages.service';

/**
 * THP has no sysctl, so sysctl.conf cannot persist it. A oneshot systemd unit is used rather than
 * rc.local: Debian and Ubuntu no longer ship /etc/rc.local, systemd runs it only when it exists and
 * is executable, and a unit states its ordering (before redis may start) where rc.local cannot.
 */
export function thpUnit(files: string[]): string {
  const writes = files.map((f) => `echo never > ${f}`).join(' && ');
  return [
    '# Written by playgraph kernel.tune: Redis wants transparent huge pages off (latency, fork memory).',
    '[Unit]',
    'Description=Disable transparent huge pages for Redis',
    'DefaultDependencies=no',
    'After=sysinit.target local-fs.target',
    'Before=basic.target',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=/bin/sh -c '${writes}'`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
