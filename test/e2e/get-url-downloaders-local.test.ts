import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOWNLOAD_SCRIPT, PYTHON_DOWNLOAD } from '../../tasks/core/lib/get-url-host.ts';
import { curlConfig, downloadFacts, pythonRequest, type Request } from '../../tasks/core/lib/get-url-plan.ts';

// get_url's two downloaders on this machine against a loopback server: curl (its options and
// credentials on stdin) and python3's urllib (for hosts without curl) must send the same
// request and report the same status, size and digests; If-Modified-Since gets a 304 from both.

let server: http.Server;
let dir: string;
let base: string;
const LAST_MODIFIED = new Date('2026-01-01T00:00:00Z');

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const since = request.headers['if-modified-since'];
    if (since && new Date(since) >= LAST_MODIFIED) return void response.writeHead(304).end();
    if (request.headers.authorization !== `Basic ${Buffer.from('ops:pa"ss\\w').toString('base64')}`) {
      return void response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="t"' }).end('who?');
    }
    const body = `agent=${request.headers['user-agent']} header=${request.headers['x-test']}\n`;
    response.writeHead(200, { 'Content-Length': String(Buffer.byteLength(body)), 'Last-Modified': LAST_MODIFIED.toUTCString() }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(path.join(tmpdir(), 'pg-get-url-'));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** Runs the host's download script as the module does, with the request on stdin. */
function download(tool: 'curl' | 'python3', request: Request): Promise<ReturnType<typeof downloadFacts>> {
  const stdin = tool === 'curl' ? curlConfig(request) : pythonRequest(request);
  return new Promise((resolve, reject) => {
    // Debian's own python3 and curl, as on a host (not a developer's pyenv shim).
    const child = execFile('sh', ['-c', DOWNLOAD_SCRIPT, 'sh', dir, tool, 'sha256', PYTHON_DOWNLOAD], { env: { PATH: '/usr/bin:/bin' } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${tool}: ${stderr}`)) : resolve(downloadFacts(stdout)),
    );
    child.stdin!.end(stdin);
  });
}

describe('get_url downloaders', () => {
  const request: Request = { url: '', headers: { 'X-Test': 'yes' }, username: 'ops', password: 'pa"ss\\w', timeout: 5, validateCerts: true, httpAgent: 'ansible-httpget' };

  it('curl and python3 fetch the same bytes with the same headers and credentials', async () => {
    const got = await Promise.all((['curl', 'python3'] as const).map((tool) => download(tool, { ...request, url: `${base}/file` })));
    const bodies = await Promise.all(got.map((facts) => readFile(facts.tmp!, 'utf8')));
    expect(bodies).toEqual(['agent=ansible-httpget header=yes\n', 'agent=ansible-httpget header=yes\n']);
    const [curl, python] = got.map(({ status, size, sha1, digest }) => ({ status, size, sha1, digest }));
    expect(curl).toEqual(python);
    expect(got[0]).toMatchObject({ status: 200, size: Buffer.byteLength(bodies[0]!) });
  });

  it('both ask If-Modified-Since from the file\'s mtime and report 304', async () => {
    const dest = path.join(dir, 'dest.txt');
    await writeFile(dest, 'old\n');
    await utimes(dest, new Date('2026-02-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z'));
    for (const tool of ['curl', 'python3'] as const) expect((await download(tool, { ...request, url: `${base}/file`, ifModifiedSince: dest })).status).toBe(304);
  });

  it('both report a refused request by its status', async () => {
    for (const tool of ['curl', 'python3'] as const) expect((await download(tool, { ...request, password: 'wrong', url: `${base}/file` })).status).toBe(401);
  });
});
