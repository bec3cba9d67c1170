import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFacts } from '../../../src/facts/parse.ts';
import { splitSections } from '../../../src/facts/script.ts';
import { collectorsFor } from '../../../src/facts/subsets.ts';

// The facts script's output recorded on a Debian 12 machine (with a lab bridge and its veth
// ports up), and `ansible -m setup` run on the same machine right after it (both with the same
// clean environment): the parser must give Ansible's values. Values that move between the two runs are checked against the recorded
// output itself (memfree_mb from its /proc/meminfo, free blocks from its statvfs line).

const dir = path.join(import.meta.dirname, 'recorded');
const output = readFileSync(path.join(dir, 'debian12-vm.out'), 'utf8');
const ansible = JSON.parse(readFileSync(path.join(dir, 'debian12-vm.setup.json'), 'utf8')) as Record<string, unknown>;
const facts = parseFacts(output, collectorsFor(['all']));

const MOVING = new Set(['memfree_mb', 'date_time', 'mounts']);

describe('facts parsed from a recorded Debian 12 host, against ansible -m setup on it', () => {
  const stable = Object.keys(ansible).map((key) => key.replace(/^ansible_/, '')).filter((key) => !MOVING.has(key));
  it.each(stable)('%s', (key) => {
    // Ansible's interface list passes through a Python set on its way out: its order changes
    // from run to run (hash seed), so only its members are compared.
    const order = (value: unknown) => (key === 'interfaces' ? [...(value as string[])].sort() : value);
    expect(order(facts[key])).toEqual(order(ansible[`ansible_${key}`]));
  });

  it('memfree_mb is MemFree in MiB, rounded down', () => {
    const kb = Number(/^MemFree:\s+(\d+) kB$/m.exec(splitSections(output).get('meminfo')!)![1]);
    expect(facts['memfree_mb']).toBe(Math.floor(kb / 1024));
  });

  it('mounts: the same mounts, devices, options, sizes and UUIDs; free space as statvfs said', () => {
    const strip = (mounts: unknown) => (mounts as Record<string, unknown>[]).map(({ block_available, block_used, size_available, inode_available, inode_used, ...rest }) => rest);
    expect(strip(facts['mounts'])).toEqual(strip(ansible['ansible_mounts']));
    const root = (facts['mounts'] as Record<string, number>[]).find((mount) => (mount as unknown as { mount: string }).mount === '/')!;
    const statfs = splitSections(output).get('statfs')!.split('\n').find((line) => line.startsWith('/|'))!.split('|');
    expect(root['block_available']).toBe(Number(statfs[4]));
    expect(root['block_used']).toBe(root['block_total']! - root['block_available']!);
    expect(root['size_available']).toBe(Number(statfs[1]) * Number(statfs[4]));
  });

  it('date_time: the fields Ansible gives, consistent with the epoch', () => {
    const dt = facts['date_time'] as Record<string, string>;
    expect(Object.keys(dt).sort()).toEqual(Object.keys(ansible['ansible_date_time'] as object).sort());
    const theirs = ansible['ansible_date_time'] as Record<string, string>;
    for (const key of ['tz', 'tz_dst', 'tz_offset', 'year', 'month', 'date']) expect(dt[key], key).toBe(theirs[key]);
    expect(dt['iso8601']).toBe(new Date(Number(dt['epoch']) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'));
    expect(dt['iso8601_basic_short']).toBe(`${dt['year']}${dt['month']}${dt['day']}T${dt['hour']}${dt['minute']}${dt['second']}`);
  });

  it('env: the environment the script ran with', () => {
    expect(facts['env']).toEqual({ HOME: '/root', LANG: 'C.UTF-8', LOGNAME: 'root', PATH: '/usr/local/bin:/usr/bin:/bin', PWD: '/tmp' });
  });
});
