import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nodeEnds, nodeLogs, playgraph, recapTotals, statuses } from './helpers/playgraph.ts';

const run = promisify(execFile);
const lab = inject('lab');
const THP = '/sys/kernel/mm/transparent_hugepage/enabled';
const THP_DEFRAG = '/sys/kernel/mm/transparent_hugepage/defrag';
const OVERCOMMIT = '/proc/sys/vm/overcommit_memory';

/** The bracketed choice of a THP file: `always [madvise] never` -> madvise. */
const selected = (text: string) => /\[(\w+)\]/.exec(text)?.[1] ?? text.trim();
const inHost = async (index: number, ...argv: string[]) =>
  (await run('ip', ['netns', 'exec', lab.hosts[index]!.netns, ...argv])).stdout.trim();

// THP and vm.overcommit_memory are the machine's (the lab hosts share its kernel); net.* sysctls
// are per network namespace, so per lab host. Put the machine's own values back afterwards.
const before: Record<string, string> = {};
beforeAll(async () => {
  before[THP] = selected(await readFile(THP, 'utf8'));
  before[THP_DEFRAG] = selected(await readFile(THP_DEFRAG, 'utf8'));
  before[OVERCOMMIT] = (await readFile(OVERCOMMIT, 'utf8')).trim();
});
afterAll(async () => {
  for (const [file, value] of Object.entries(before)) await writeFile(file, value).catch(() => undefined);
});

describe('kernel.tune on a real lab host', () => {
  it('applies every setting now and persists it on that host only; a rerun changes nothing', async () => {
    const args = ['run', 'test/fixtures/e2e/tune.yaml', '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '--limit', 'server3', '--output', 'json'];
    const first = await playgraph(args);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(statuses(first)).toEqual({ 'tune@server3': 'changed' });

    expect(await inHost(2, 'sysctl', '-n', 'net.core.somaxconn')).toBe('65535');
    expect(await inHost(2, 'sysctl', '-n', 'net.ipv4.tcp_keepalive_time')).toBe('7200');
    expect(await inHost(0, 'sysctl', '-n', 'net.core.somaxconn')).not.toBe('65535');
    expect(selected(await readFile(THP, 'utf8'))).toBe('never');
    expect((await readFile(OVERCOMMIT, 'utf8')).trim()).toBe('1');

    const etc = (index: number, file: string) => readFile(path.join(lab.hosts[index]!.root, 'etc', file), 'utf8');
    const sysctl = await etc(2, 'sysctl.conf');
    expect(sysctl).toMatch(/^vm\.overcommit_memory ?= ?1$/m);
    expect(sysctl).toMatch(/^net\.core\.somaxconn ?= ?65535$/m);
    expect(await etc(2, 'security/limits.conf')).toMatch(/^redis\s+soft\s+nofile\s+65536$/m);
    // A lab host's /etc is an overlay: a file it never wrote is absent from its own layer.
    expect(await etc(0, 'sysctl.conf').catch(() => '')).not.toMatch(/somaxconn/);
    expect(await readFile('/etc/sysctl.conf', 'utf8').catch(() => '')).not.toMatch(/^net\.core\.somaxconn/m);

    const second = await playgraph(args);
    expect(second.code, second.stderr).toBe(0);
    expect(recapTotals(second).changed).toBe(0);
  });

  it('as a non-root login, reports each setting it cannot write with the reason: strict fails the task, strict: false only warns', async () => {
    const inventory = path.join(await mkdtemp(path.join(tmpdir(), 'pg-tune-')), 'hosts.yaml');
    await writeFile(inventory, (await readFile(lab.inventoryFile, 'utf8')).replace(/ansible_user: root/g, `ansible_user: ${lab.deployUser}`));
    const somaxconn = await inHost(1, 'sysctl', '-n', 'net.core.somaxconn');
    const sysctlConf = () => readFile(path.join(lab.hosts[1]!.root, 'etc', 'sysctl.conf'), 'utf8').catch(() => null);
    const confBefore = await sysctlConf();
    const args = (strict: boolean) => [
      'run', 'test/fixtures/e2e/tune-unprivileged.yaml', '-i', inventory, '--known-hosts', lab.knownHostsFile,
      '--limit', 'server2', '--output', 'json', '-e', `strict=${strict}`,
    ];

    const strict = await playgraph(args(true));
    expect(strict.code, strict.stdout + strict.stderr).toBe(2);
    const failed = nodeEnds(strict).find((e) => e.node.taskId === 'tune')!;
    expect(failed.status).toBe('failed');
    expect(failed.message).toMatch(/^server2: kernel settings cannot be written: .*net\.core\.somaxconn: [^;]+/);

    const lenient = await playgraph(args(false));
    expect(lenient.code, lenient.stdout + lenient.stderr).toBe(0);
    const warnings = nodeLogs(lenient).filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^net\.core\.somaxconn not set: .+/)]));
    // Neither run changed the host: the setting and its persisted file are as they were.
    expect(await inHost(1, 'sysctl', '-n', 'net.core.somaxconn')).toBe(somaxconn);
    expect(await sysctlConf()).toBe(confBefore);
  });
});
