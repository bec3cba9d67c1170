import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ansiblePlaybook, type AnsibleRun } from './helpers/ansible.ts';
import { nodeEnds, playgraph, type PlaygraphRun } from './helpers/playgraph.ts';

// Facts on a lab host, gathered by playgraph (one command over SSH) and by `ansible -m setup`
// on the same host: every fact issue 9 lists must have Ansible's value. A template reads
// ansible_facts['distribution']; a play with gather_facts: false and one that reads no fact do
// not gather, and the output says why.

const run = promisify(execFile);
const lab = inject('lab');
const host = lab.hosts[0]!;
const work = `/tmp/pg-facts-${process.pid}`;
const onHost = path.join(host.root, work.replace(/^\/tmp\//, 'tmp/'));

const LISTED = [
  'hostname', 'fqdn', 'nodename', 'domain', 'distribution', 'distribution_version', 'distribution_major_version', 'distribution_release',
  'os_family', 'system', 'kernel', 'architecture', 'machine', 'processor_vcpus', 'processor_cores', 'processor_count', 'memtotal_mb',
  'memfree_mb', 'swaptotal_mb', 'default_ipv4', 'all_ipv4_addresses', 'interfaces', 'env', 'user_id', 'user_uid', 'user_dir',
  'pkg_mgr', 'service_mgr', 'date_time', 'mounts',
];

const PLAYBOOK = `
- name: gathers
  hosts: ${host.name}
  tasks:
    - file: { path: "{{ work }}", state: directory }
    - copy: { content: "{{ ansible_facts | to_json }}", dest: "{{ work }}/facts.json" }
    - template: { src: distro.j2, dest: "{{ work }}/distro.txt" }
- name: told not to
  hosts: ${host.name}
  gather_facts: false
  tasks:
    - file: { path: "{{ work }}/off", state: directory }
- name: reads none
  hosts: ${host.name}
  tasks:
    - file: { path: "{{ work }}/none", state: directory }
`;

let dir: string;
let ours: PlaygraphRun;
let theirs: Record<string, unknown>;
let theirRun: AnsibleRun;
let facts: Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-facts-'));
  await mkdir(path.join(dir, 'templates'));
  await writeFile(path.join(dir, 'templates', 'distro.j2'), "{{ ansible_facts['distribution'] }} {{ ansible_distribution_major_version }}\n");
  await writeFile(path.join(dir, 'site.yml'), PLAYBOOK);
  ours = await playgraph(['run', '-i', lab.inventoryFile, path.join(dir, 'site.yml'), '-e', `work=${work}`, '--known-hosts', lab.knownHostsFile, '--output', 'json']);
  const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False' };
  const { stdout } = await run('ansible', ['-i', lab.inventoryFile, host.name, '-m', 'setup'], { env, maxBuffer: 16 * 1024 * 1024 });
  theirs = (JSON.parse(stdout.slice(stdout.indexOf('{'))) as { ansible_facts: Record<string, unknown> }).ansible_facts;
  facts = JSON.parse(await readFile(path.join(onHost, 'facts.json'), 'utf8')) as Record<string, unknown>;
  theirRun = await ansiblePlaybook(['-i', lab.inventoryFile, path.join(dir, 'site.yml'), '-e', `work=${work}/ansible`]);
});

afterAll(async () => {
  await rm(onHost, { recursive: true, force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
});

const theirFact = (name: string) => theirs[`ansible_${name}`];

describe(`facts on lab host ${host.name}, against ansible -m setup`, () => {
  it('the run succeeds and gathers once, in the play that reads facts', () => {
    expect(ours.code, ours.stdout + ours.stderr).toBe(0);
    const gathered = nodeEnds(ours).filter((end) => end.node.taskName === 'Gathering Facts');
    expect(gathered.map((end) => [end.node.playIndex, end.status])).toEqual([[0, 'ok']]);
  });

  it("counts Gathering Facts as Ansible's recap does: one ok per host where it runs", () => {
    expect(theirRun.code, theirRun.stdout).toBe(0);
    const end = ours.events.find((event) => event.type === 'run-end');
    if (end?.type !== 'run-end') throw new Error(ours.stdout);
    const mine = end.recap[host.name]!;
    const reference = theirRun.recap[host.name]!;
    // Ansible's ok counts changed tasks too, and Ansible gathers in the third play as well
    // (nothing there reads a fact, so playgraph does not): one ok more on Ansible's side.
    expect(mine.ok + mine.changed + 1).toBe(reference['ok']);
    expect(mine.changed).toBe(reference['changed']);
  });

  it('the output says why each play gathered or not', () => {
    const said = ours.events.flatMap((event) => (event.type === 'play-start' ? [event.facts] : []));
    expect(said[0]).toMatch(/^gathering facts: ansible_facts read by task "task2" at .*site\.yml:6$/);
    expect(said.slice(1)).toEqual(['facts not gathered: gather_facts: false', 'facts not gathered: no task reads them']);
  });

  it("a template reads ansible_facts['distribution']", async () => {
    expect(await readFile(path.join(onHost, 'distro.txt'), 'utf8')).toBe(`${String(theirFact('distribution'))} ${String(theirFact('distribution_major_version'))}\n`);
  });

  const STABLE = LISTED.filter((name) => !['memfree_mb', 'date_time', 'mounts', 'env', 'interfaces'].includes(name));
  it.each(STABLE)('%s', (name) => {
    expect(facts[name]).toEqual(theirFact(name));
  });

  it('interfaces: the same ones (Ansible lists them in a Python set\'s order, which changes run to run)', () => {
    expect([...(facts['interfaces'] as string[])].sort()).toEqual([...(theirFact('interfaces') as string[])].sort());
  });

  it('each interface: device, addresses, MAC, MTU, type, state as Ansible reads them', () => {
    for (const name of theirFact('interfaces') as string[]) expect(facts[name], name).toEqual(theirFact(name));
  });

  it('memfree_mb within what seconds move it', () => {
    // The lab hosts share the machine's kernel, and other test runs build and start processes on
    // it: between the two gatherings, seconds apart, free memory moves by tens to hundreds of MiB.
    // 5% of the total (at least 256 MiB) is far below any wrong reading (a wrong unit or field).
    const total = facts['memtotal_mb'] as number;
    expect(Math.abs((facts['memfree_mb'] as number) - (theirFact('memfree_mb') as number))).toBeLessThanOrEqual(Math.max(256, total * 0.05));
  });

  it('date_time: the fields that cannot move equal, the clock within the minutes between the runs', () => {
    const mine = facts['date_time'] as Record<string, string>;
    const reference = theirFact('date_time') as Record<string, string>;
    expect(Object.keys(mine).sort()).toEqual(Object.keys(reference).sort());
    for (const field of ['tz', 'tz_dst', 'tz_offset']) expect(mine[field], field).toBe(reference[field]);
    // Ours was read first; Ansible's within the test's run time after it.
    const apart = Number(reference['epoch']) - Number(mine['epoch']);
    expect(apart).toBeGreaterThanOrEqual(0);
    expect(apart).toBeLessThan(120);
    // The local date and time are the epoch in the host's zone.
    const [, sign, hours, minutes] = /^([+-])(\d\d)(\d\d)$/.exec(mine['tz_offset']!)!;
    const offsetMs = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000;
    expect(`${mine['date']}T${mine['time']}`).toBe(new Date(Number(mine['epoch']) * 1000 + offsetMs).toISOString().slice(0, 19));
  });

  it('mounts: the same mounts, devices, options, sizes and UUIDs (free space moves)', () => {
    const moving = new Set(['block_available', 'block_used', 'size_available', 'inode_available', 'inode_used']);
    const fixed = (mounts: unknown) => (mounts as Record<string, unknown>[])
      .map((mount) => Object.fromEntries(Object.entries(mount).filter(([key]) => !moving.has(key))))
      .sort((a, b) => String(a['mount']).localeCompare(String(b['mount'])));
    expect(fixed(facts['mounts'])).toEqual(fixed(theirFact('mounts')));
  });

  it('env: the environment a command of the connection sees', () => {
    // SSH_CLIENT and SSH_CONNECTION name each connection's own source port; `_` is the last
    // program the login shell ran (Ansible's python, our sh). Ansible's module also sees what
    // its way of running Python adds: SSH_TTY and TERM (its ssh asks for a pty, -tt) and
    // LC_CTYPE (Python's PEP 538 locale coercion exports it); a command over playgraph's
    // connection, as a shell task's, has neither.
    const perConnection = new Set(['SSH_CLIENT', 'SSH_CONNECTION', '_', 'SSH_TTY', 'TERM', 'LC_CTYPE']);
    const without = (env: unknown) => Object.fromEntries(Object.entries(env as Record<string, string>).filter(([key]) => !perConnection.has(key)));
    expect(without(facts['env'])).toEqual(without(theirFact('env')));
    expect(Object.keys(facts['env'] as object)).toEqual(expect.arrayContaining(['SSH_CONNECTION', 'HOME', 'PATH']));
  });
});
