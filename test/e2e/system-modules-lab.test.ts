import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sshdPidFile, type LabHost } from '../lab/lab-host.ts';
import { ansiblePlaybook } from './helpers/ansible.ts';
import { hideCompiler } from './helpers/lab-no-compiler.ts';
import { nodeEnds, playgraph, recapTotals, REPO, stopStrayRuns, type PlaygraphRun } from './helpers/playgraph.ts';

// The system modules (ping, group, get_url, unarchive, script, service, raw, pause, apt) on lab
// hosts over SSH: --check changes nothing, a run makes the changes, a rerun changes nothing; the
// registered results are compared with ansible-playbook's for the same tasks on a twin host
// (server1 for Ansible, server2 for playgraph, each set up alike). get_url downloads from an
// HTTP server this test runs on the controller's side of the lab's bridge; the service is a
// SysV init script of the test's own (the lab runs no systemd); apt installs from the lab's
// local repository on a host whose compiler is hidden.

const run = promisify(execFile);
const lab = inject('lab');
const FIXTURES = 'test/fixtures/e2e/system-modules';
const work = `/tmp/pg-sysmod-${process.pid}`;
const PASSWORD = `dl-s3cret-${process.pid}`;
const PAYLOAD = 'the payload of the system modules test\n';
const OPEN = 'a file anyone may download\n';
const [ansibleHost, ourHost] = [lab.hosts[0]!, lab.hosts[1]!];

let server: http.Server;
let controllerDir: string;
let extraVars: string[];
const requests: string[] = [];

/** Serves /payload.txt (basic auth ops:PASSWORD, Last-Modified an hour ago, so If-Modified-Since is answered 304) and /open.txt. */
function serve(request: http.IncomingMessage, response: http.ServerResponse): void {
  requests.push(`${request.method} ${request.url}`);
  const lastModified = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
  const send = (status: number, body: string, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'Content-Length': String(Buffer.byteLength(body)), 'Last-Modified': lastModified.toUTCString(), ...headers });
    response.end(body);
  };
  const since = request.headers['if-modified-since'];
  if (since && new Date(since).getTime() >= lastModified.getTime()) return void response.writeHead(304).end();
  if (request.url === '/open.txt') return send(200, OPEN);
  if (request.url !== '/payload.txt') return send(404, 'not found\n');
  const expected = `Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}`;
  if (request.headers.authorization !== expected) return send(401, 'who are you?\n', { 'WWW-Authenticate': 'Basic realm="playgraph"' });
  if (request.headers['x-playgraph-test'] !== 'system-modules') return send(400, 'missing header\n');
  send(200, PAYLOAD);
}

/** Runs a script inside the host's mount namespace, where its /etc, /tmp and daemons are. */
async function inHost(host: LabHost, script: string): Promise<{ code: number; stdout: string }> {
  const pid = (await readFile(sshdPidFile(host), 'utf8')).trim();
  try {
    return { code: 0, stdout: (await run('nsenter', ['-t', pid, '-m', '--', 'sh', '-c', script])).stdout };
  } catch (error) {
    return { code: (error as { code: number }).code, stdout: (error as { stdout: string }).stdout };
  }
}

const onHost = (host: LabHost, file = '') => path.join(host.root, 'tmp', work.slice('/tmp/'.length), file);

/** One playgraph run of a fixture playbook on `hosts` (one host, or the twins at once). */
function pg(playbook: string, hosts: LabHost | LabHost[], ...extra: string[]): Promise<PlaygraphRun> {
  const limit = [hosts].flat().map((host) => host.name).join(':');
  return playgraph(['run', `${FIXTURES}/${playbook}`, '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '--limit', limit, '--output', 'json', ...extraVars, ...extra]);
}

async function ansible(playbook: string, host: LabHost, ...extra: string[]) {
  const result = await ansiblePlaybook(['-i', lab.inventoryFile, `${FIXTURES}/${playbook}`, '--limit', host.name, ...extraVars, ...extra]);
  expect(result.code, result.stdout).toBe(0);
  return result;
}

function succeeded(result: PlaygraphRun): PlaygraphRun {
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  return result;
}

/** Task name -> status of one run. */
const byTask = (result: PlaygraphRun) => Object.fromEntries(nodeEnds(result).map((end) => [end.node.taskId, end.status]));

const pick = (value: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((key) => [key, value[key]]));

async function results(host: LabHost, file: string): Promise<Record<string, Record<string, unknown>>> {
  return JSON.parse(await readFile(onHost(host, file), 'utf8')) as Record<string, Record<string, unknown>>;
}

beforeAll(async () => {
  server = http.createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, lab.network.controllerAddress, resolve));
  const { address, port } = server.address() as AddressInfo;
  controllerDir = await mkdtemp(path.join(tmpdir(), 'pg-sysmod-'));
  const content = path.join(controllerDir, 'content');
  await mkdir(path.join(content, 'sub'), { recursive: true });
  await writeFile(path.join(content, 'a.txt'), 'alpha\n');
  await writeFile(path.join(content, 'sub', 'b.txt'), 'beta\n');
  await run('tar', ['-czf', path.join(controllerDir, 'app.tgz'), '-C', content, '.']);
  await run('/usr/bin/python3', ['-m', 'zipfile', '-c', path.join(controllerDir, 'app.zip'), 'a.txt', 'sub'], { cwd: content });
  extraVars = [
    '-e', `work=${work}`,
    '-e', `base_url=http://${address}:${port}`,
    '-e', `payload_sha256=${createHash('sha256').update(PAYLOAD).digest('hex')}`,
    '-e', `dl_password=${PASSWORD}`,
    '-e', `tgz=${path.join(controllerDir, 'app.tgz')}`,
    '-e', `zip=${path.join(controllerDir, 'app.zip')}`,
  ];
  // The work directories, the init script and an archive on both twins, once for every test.
  succeeded(await pg('setup.yml', [ansibleHost, ourHost]));
});

afterAll(async () => {
  await stopStrayRuns();
  for (const host of [ansibleHost, ourHost]) {
    // The daemon the second test leaves running, and whatever a failed test left: links, group, files.
    await inHost(host, 'if [ -f /tmp/pgsysmod-demo.pid ]; then kill "$(cat /tmp/pgsysmod-demo.pid)" 2>/dev/null; fi; rm -f /tmp/pgsysmod-demo.* /etc/init.d/pgsysmod-demo /etc/rc?.d/[SK]??pgsysmod-demo; groupdel pgsysmod 2>/dev/null; true');
    await rm(onHost(host), { recursive: true, force: true });
  }
  await new Promise((resolve) => server?.close(resolve));
  if (controllerDir) await rm(controllerDir, { recursive: true, force: true });
});

describe('system modules on a lab host', () => {
  it('plan with --check and change nothing, make every change, rerun with 0 changed; register what Ansible registers', async () => {
    const dry = succeeded(await pg('site.yml', ourHost, '--check', '-e', 'dump=false'));
    const { ping, results: dump, ...planned } = byTask(dry);
    expect([ping, dump]).toEqual(['ok', 'skipped']);
    expect(Object.values(planned), JSON.stringify(planned)).toEqual(new Array(8).fill('changed'));
    expect(await inHost(ourHost, 'getent group pgsysmod')).toMatchObject({ code: 2 });
    expect(await inHost(ourHost, `find ${work}/tgz ${work}/zip ${work}/remote ${work}/dl -mindepth 1; ls /etc/rc2.d | grep pgsysmod; ls /tmp/pgsysmod-demo.pid`)).toMatchObject({ stdout: expect.not.stringMatching(/\S/) });
    await expect(stat(onHost(ourHost, 'payload.txt'))).rejects.toThrow();

    const first = succeeded(await pg('site.yml', ourHost, '-e', 'dump=true'));
    expect(recapTotals(first)).toMatchObject({ ok: 1, changed: 9, failed: 0 });
    expect((await inHost(ourHost, 'getent group pgsysmod')).stdout).toMatch(/^pgsysmod:x:4321:/);
    expect(await readFile(onHost(ourHost, 'payload.txt'), 'utf8')).toBe(PAYLOAD);
    expect((await stat(onHost(ourHost, 'payload.txt'))).mode & 0o7777).toBe(0o640);
    expect(await readFile(onHost(ourHost, 'dl/open.txt'), 'utf8')).toBe(OPEN);
    for (const dir of ['tgz', 'zip', 'remote']) expect(await readFile(onHost(ourHost, `${dir}/sub/b.txt`), 'utf8')).toBe('beta\n');
    expect(await readFile(onHost(ourHost, 'script-args'), 'utf8')).toBe('two words\nthree\n');
    expect(await inHost(ourHost, 'kill -0 "$(cat /tmp/pgsysmod-demo.pid)" && ls /etc/rc2.d/S??pgsysmod-demo')).toMatchObject({ code: 0 });

    const rerun = succeeded(await pg('site.yml', ourHost, '-e', 'dump=false'));
    expect(recapTotals(rerun)).toMatchObject({ changed: 0, failed: 0 });
    // The unchecked dest was asked for again, and the server's 304 kept it.
    expect(requests.filter((line) => line === 'GET /open.txt').length).toBeGreaterThanOrEqual(2);

    // The same tasks by ansible-playbook on the twin host.
    const reference = await ansible('site.yml', ansibleHost, '-e', 'dump=true');
    expect(reference.recap[ansibleHost.name]).toMatchObject({ changed: recapTotals(first).changed, failed: 0 });
    const [theirs, ours] = [await results(ansibleHost, 'results.json'), await results(ourHost, 'results.json')];
    const compare = (name: string, keys: string[]) => expect(pick(ours[name]!, keys), name).toEqual(pick(theirs[name]!, keys));
    compare('ping', ['ping', 'changed']);
    compare('group', ['name', 'gid', 'state', 'system', 'changed']);
    compare('get', ['dest', 'url', 'status_code', 'msg', 'checksum_src', 'checksum_dest', 'md5sum', 'mode', 'size', 'owner', 'group', 'uid', 'gid', 'state', 'changed']);
    compare('get_dir', ['dest', 'url', 'status_code', 'checksum_src', 'changed']);
    compare('tgz', ['handler', 'dest', 'changed']);
    compare('zip', ['handler', 'dest', 'files', 'changed']);
    compare('remote', ['handler', 'dest', 'src', 'changed']);
    compare('script', ['rc', 'stdout_lines', 'changed']);
    compare('service', ['name', 'state', 'enabled', 'changed']);

    // Put both hosts back; stopping twice changes nothing the second time.
    succeeded(await pg('stop.yml', [ansibleHost, ourHost]));
    expect(recapTotals(succeeded(await pg('stop.yml', ourHost)))).toMatchObject({ changed: 0 });
    expect((await inHost(ourHost, 'ls /tmp/pgsysmod-demo.pid /etc/rc?.d/S??pgsysmod-demo 2>/dev/null; getent group pgsysmod; true')).stdout).toBe('');
  });

  it('raw, script, pause and service restarted/reloaded: planned in --check, done in a run, registered as Ansible does', async () => {
    await inHost(ourHost, 'rm -f /tmp/pgsysmod-demo.log');
    const dry = succeeded(await pg('always.yml', ourHost, '--check', '-e', 'dump=false'));
    expect(byTask(dry)).toMatchObject({ raw: 'changed', 'script-every-time': 'changed', pause: 'ok', results: 'skipped' });
    await expect(stat(onHost(ourHost, 'script-again'))).rejects.toThrow();
    expect((await inHost(ourHost, 'cat /tmp/pgsysmod-demo.log')).stdout).toBe('status\nstatus\n');

    const real = succeeded(await pg('always.yml', ourHost, '-e', 'dump=true'));
    expect(recapTotals(real)).toMatchObject({ ok: 1, changed: 6, failed: 0 });
    expect(await readFile(onHost(ourHost, 'script-again'), 'utf8')).toBe('one\n');
    expect((await inHost(ourHost, 'cat /tmp/pgsysmod-demo.log')).stdout).toMatch(/^status\nstatus\nstatus\nstop\nstart\nstatus\nreload\n$/);

    await ansible('always.yml', ansibleHost, '-e', 'dump=true');
    const [theirs, ours] = [await results(ansibleHost, 'always.json'), await results(ourHost, 'always.json')];
    expect(pick(ours.raw!, ['rc', 'changed'])).toEqual(pick(theirs.raw!, ['rc', 'changed']));
    expect(ours.raw!.stdout_lines).toEqual(['raw-out']);
    expect(ours.raw!.stderr_lines).toEqual(['raw-err']);
    expect(String(theirs.raw_bash!.stdout).trim()).toBe('42');
    expect(String(ours.raw_bash!.stdout).trim()).toBe('42');
    expect(pick(ours.script!, ['rc', 'stdout_lines', 'changed'])).toEqual(pick(theirs.script!, ['rc', 'stdout_lines', 'changed']));
    expect(Object.keys(ours.pause!).sort()).toEqual(Object.keys(theirs.pause!).sort());
    expect(pick(ours.pause!, ['changed', 'rc', 'echo', 'user_input', 'stderr'])).toEqual(pick(theirs.pause!, ['changed', 'rc', 'echo', 'user_input', 'stderr']));
    expect(ours.pause!.stdout).toMatch(/^Paused for 1\.\d+ seconds$/);
    for (const name of ['restarted', 'reloaded']) expect(pick(ours[name]!, ['name', 'state', 'changed'])).toEqual(pick(theirs[name]!, ['name', 'state', 'changed']));
  });

  it('apt installs from the lab repository under Ansible\'s name: --check installs nothing, a rerun changes nothing', async () => {
    const host = lab.hosts[2]!;
    const hidden = await hideCompiler(host);
    try {
      const dry = succeeded(await pg('package.yml', host, '--check'));
      expect(byTask(dry)).toEqual({ 'a-compiler': 'changed' });
      expect(await hidden.compilersOnPath()).toEqual([]);
      const first = succeeded(await pg('package.yml', host));
      expect(recapTotals(first)).toMatchObject({ changed: 1, failed: 0 });
      expect(await hidden.compilersOnPath()).not.toEqual([]);
      expect(recapTotals(succeeded(await pg('package.yml', host)))).toMatchObject({ changed: 0, failed: 0 });
    } finally {
      await hidden.restore();
    }
  });

  it('pause ends when the run is aborted', async () => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'playgraph.js'), 'run', `${FIXTURES}/pause-long.yml`, '-i', lab.inventoryFile, '--output', 'json'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const closed = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    // Aborted once the pause has begun (its "Pausing for" line): a pause deaf to the signal would outlast the test.
    await Promise.race([closed, new Promise<void>((resolve) => child.stdout.on('data', (chunk) => ((stdout += chunk), stdout.includes('Pausing for') && resolve())))]);
    child.kill('SIGTERM');
    const code = await closed;
    const events = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { type: string; aborted?: boolean; node?: { taskId: string }; status?: string });
    expect(events.find((event) => event.type === 'run-end'), stdout).toMatchObject({ aborted: true });
    expect(events.find((event) => event.type === 'node-end' && event.node?.taskId === 'a-long-pause')?.status).not.toBe('ok');
    expect(code).not.toBe(0);
  });
});
