import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { playgraph, statuses } from './helpers/playgraph.ts';

const lab = inject('lab');
let dir: string;
let agent: ChildProcess;
let socket: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-agent-'));
  socket = path.join(dir, 'agent.sock');
  // A real ssh-agent holding the lab key; the runs below have no key file and an empty HOME.
  agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  await promisify(execFile)('ssh-add', [lab.privateKeyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
});
afterAll(async () => {
  agent?.kill();
  await rm(dir, { recursive: true, force: true });
});

describe('keys from the ssh-agent', () => {
  it('logs in with the agent when the inventory names no key file', async () => {
    const inventory = path.join(dir, 'hosts.yaml');
    const source = await readFile(lab.inventoryFile, 'utf8');
    await writeFile(inventory, source.replace(/^\s*ansible_ssh_private_key_file:.*\n/gm, ''));
    const home = await mkdtemp(path.join(dir, 'home-'));
    const args = ['run', 'test/fixtures/e2e/basic.yaml', '-i', inventory, '--known-hosts', lab.knownHostsFile, '--limit', 'server1', '--output', 'json', '-e', `work_dir=/tmp/pg-agent-${process.pid}`];

    const withAgent = await playgraph(args, { env: { HOME: home, SSH_AUTH_SOCK: socket } });
    expect(withAgent.code, withAgent.stdout + withAgent.stderr).toBe(0);
    expect(statuses(withAgent)['motd@server1']).toBe('changed');

    const without = await playgraph(args, { env: { HOME: home, SSH_AUTH_SOCK: '' } });
    expect(without.code).toBe(3);
    expect(without.stdout).toMatch(/server1.*no credentials to offer/);
  });
});
