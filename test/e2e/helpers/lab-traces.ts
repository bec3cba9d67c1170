// Everything one lab (by name) has on the machine, seen from the controller: its network
// namespaces and what runs in them, its bridge and veths, any process naming its dir (its sshds),
// the dir itself. A torn-down or failed lab must have none of these.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { labDir } from '../../lab/lab.ts';
import { labNetwork, listNetns, netnsPids, netnsPrefix, vethName } from '../../lab/lab-network.ts';
import { parseLinkNames } from '../../lab/leftovers.ts';
import { runQuietly } from '../../lab/run-command.ts';

export async function labTraces(name: string): Promise<string[]> {
  const traces: string[] = [];
  const inNamespaces = new Set<number>();
  for (const netns of await listNetns(netnsPrefix(name))) {
    traces.push(`network namespace ${netns}`);
    for (const pid of await netnsPids(netns)) {
      inNamespaces.add(pid);
      traces.push(`process ${pid} in ${netns}: ${await commandLine(pid)}`);
    }
  }
  // vethName(name, N) is the lab's tag plus N: every host's veth starts like host 0's would.
  const vethPrefix = vethName(name, 0).slice(0, -1);
  const { bridge } = labNetwork(name);
  for (const link of parseLinkNames(await runQuietly('ip', ['-o', 'link', 'show']))) {
    if (link === bridge || (link.startsWith(vethPrefix) && /^\d+$/.test(link.slice(vethPrefix.length)))) traces.push(`network link ${link}`);
  }
  const dir = `${labDir(name)}/`;
  for (const pid of await allPids()) {
    if (inNamespaces.has(pid)) continue;
    const cmdline = await commandLine(pid);
    if (cmdline.includes(dir)) traces.push(`process ${pid}: ${cmdline}`);
  }
  if (existsSync(labDir(name))) traces.push(`directory ${labDir(name)}`);
  return traces;
}

async function allPids(): Promise<number[]> {
  return (await readdir('/proc')).filter((e) => /^\d+$/.test(e)).map(Number);
}

async function commandLine(pid: number): Promise<string> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return raw.split('\0').filter(Boolean).join(' ');
}
