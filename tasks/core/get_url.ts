import path from 'node:path';
import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { applyAttributes, groupParam, hasAttributeChanges, modeParam, ownerParam, planAttributes, resolveAttributes, type WantedAttributes } from '../../src/modules/file-attrs.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';
import { runChecked } from '../../src/modules/run-checked.ts';
import { DEST_FACTS_SCRIPT, DOWNLOAD_SCRIPT, MOVE_SCRIPT, PATH_INFO_SCRIPT, parsePathInfo, PYTHON_DOWNLOAD } from './lib/get-url-host.ts';
import { curlConfig, decideDownload, destFacts, downloadFacts, parseChecksum, pythonRequest, urlFilename, type DestFacts, type ExpectedChecksum, type Request } from './lib/get-url-plan.ts';

// Ansible's get_url (ansible/modules/get_url.py): the HOST downloads (curl, else python3; see
// lib/get-url-plan.ts), into a temporary file beside dest, which replaces dest only when its
// sha1 differs. An existing dest is kept without any request when the checksum matches and
// force is false; otherwise it is asked for with If-Modified-Since, downloaded and compared.

/** A malformed checksum is bad input, refused before any host is contacted. */
function checksumIssue(checksum: string, ctx: z.RefinementCtx): void {
  try {
    parseChecksum(checksum);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
}

export const getUrlParams = z
  .strictObject({
    url: z.string().regex(/^(https?|ftp|file):\/\//i, 'expected an http, https, ftp or file URL').describe('URL to download: http, https, ftp (curl) or file'),
    dest: z.string().regex(/^\//, 'dest must be an absolute path').describe('Absolute path to write; a directory receives the URL\'s file name'),
    checksum: z.string().default('').superRefine(checksumIssue).describe('"<algorithm>:<hex digest>" (md5, sha1, sha224, sha256, sha384, sha512): verified after download; with force false a matching dest is not downloaded'),
    force: z.boolean().default(false).describe('Download every time, replacing dest when the content changed; false keeps a dest whose checksum matches'),
    headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}).describe('HTTP request headers, a mapping'),
    timeout: z.number().int().min(1).default(10).describe('Seconds to wait for the connection and between data'),
    url_username: z.string().optional().describe('User for HTTP basic authentication (alias username)'),
    url_password: z.string().optional().describe('Password for HTTP basic authentication (alias password); a secret, never printed'),
    username: z.string().optional().describe('Alias of url_username'),
    password: z.string().optional().describe('Alias of url_password'),
    force_basic_auth: z.boolean().default(false).describe('Accepted for Ansible compatibility: credentials are always sent up front'),
    validate_certs: z.boolean().default(true).describe('Verify the server\'s TLS certificate'),
    http_agent: z.string().default('ansible-httpget').describe('User-Agent header'),
    use_proxy: z.boolean().default(true).describe('Use the host\'s proxy environment (http_proxy & co), as curl and python3 do'),
    mode: modeParam.optional(),
    owner: ownerParam.optional(),
    group: groupParam.optional(),
  })
  .transform(({ username, password, ...params }) => ({ ...params, url_username: params.url_username ?? username, url_password: params.url_password ?? password }));

export type GetUrlParams = z.infer<typeof getUrlParams>;

interface Download {
  tmp: string;
  status: number;
  size: number;
  sha1: string;
  md5?: string;
  digest?: string;
}

interface GetUrlState {
  dest: string;
  tool: string;
  request: Request;
  expected: ExpectedChecksum | null;
  wanted: WantedAttributes;
  /** Downloaded by the check already (to compare); undefined: download in apply. */
  download?: Download;
  /** Move the download into place (false: attributes only). */
  write: boolean;
  checksumDest: string | null;
}

async function readDest(ctx: TaskContext, dest: string, expected: ExpectedChecksum | null): Promise<DestFacts> {
  const out = await runChecked(ctx, ['sh', '-c', DEST_FACTS_SCRIPT, 'sh', dest, expected?.algorithm ?? '']);
  return destFacts(out.stdout);
}

function pickTool(facts: DestFacts, host: string): string {
  const tool = ['curl', 'python3'].find((name) => facts.tools.includes(name));
  if (!tool) throw new TaskError(`${host}: get_url needs curl or python3 on the host to download; it has neither`);
  return tool;
}

/** Downloads on the host into a temporary file beside dest; fails as Ansible's "Request failed". */
async function download(ctx: TaskContext, state: Pick<GetUrlState, 'dest' | 'tool' | 'request' | 'expected'>): Promise<Download | null> {
  const stdin = state.tool === 'curl' ? curlConfig(state.request) : pythonRequest(state.request);
  const argv = ['sh', '-c', DOWNLOAD_SCRIPT, 'sh', path.posix.dirname(state.dest), state.tool, state.expected?.algorithm ?? '', PYTHON_DOWNLOAD];
  const result = await ctx.conn.exec(argv, { stdin, become: ctx.become, signal: ctx.signal });
  if (result.code !== 0) throw new TaskError(`Request failed: ${result.stderr.trim() || `exit ${result.code}`}`);
  const got = downloadFacts(result.stdout);
  const tmp = got.tmp!;
  if (got.status === 304) {
    await removeTmp(ctx, tmp);
    return null;
  }
  if (got.status !== 200 && !state.request.url.startsWith('file:') && !state.request.url.startsWith('ftp:')) {
    await removeTmp(ctx, tmp);
    throw new TaskError(`Request failed: status_code ${got.status} for ${state.request.url}`);
  }
  return { tmp, status: got.status, size: got.size, sha1: got.sha1!, md5: parseMd5(result.stdout), digest: got.digest };
}

function parseMd5(output: string): string | undefined {
  return /^md5 (\S+)/m.exec(output)?.[1];
}

/** A download whose digest is not the one asked for fails, as Ansible's, and is not kept. */
async function verifyDigest(ctx: TaskContext, got: Download, expected: ExpectedChecksum | null, dest: string): Promise<void> {
  if (!expected || got.digest === expected.digest) return;
  await removeTmp(ctx, got.tmp);
  throw new TaskError(`The checksum for ${dest} did not match ${expected.digest}; it was ${got.digest}.`);
}

async function removeTmp(ctx: TaskContext, tmp: string): Promise<void> {
  await ctx.conn.exec(['rm', '-f', '--', tmp], { become: ctx.become, signal: ctx.signal });
}

async function pathInfo(ctx: TaskContext, dest: string): Promise<Record<string, unknown>> {
  return parsePathInfo((await runChecked(ctx, ['sh', '-c', PATH_INFO_SCRIPT, 'sh', dest])).stdout);
}

export const taskModule = defineModule<GetUrlParams, GetUrlState>({
  name: 'core.get_url',
  summary: 'Download a file on the host (curl or python3 there) to dest, verified by checksum; replaced only when it changed',
  params: getUrlParams,

  async check(ctx, params) {
    if (params.url_password) ctx.addSecret(params.url_password);
    const expected = parseChecksum(params.checksum);
    let dest = params.dest;
    let facts = await readDest(ctx, dest, expected);
    if (facts.kind === 'directory') {
      dest = path.posix.join(dest, urlFilename(params.url));
      facts = await readDest(ctx, dest, expected);
    }
    const decision = decideDownload(facts, dest, params.force, expected);
    const wanted = await resolveAttributes(ctx, params);
    const base = { dest, url: params.url, elapsed: 0 };
    const attributesNow = async () => planAttributes(await ctx.conn.stat(dest, { become: ctx.become }), wanted);
    const tool = pickTool(facts, ctx.conn.hostName);
    const request: Request = {
      url: params.url,
      headers: params.headers,
      username: params.url_username,
      password: params.url_password,
      timeout: params.timeout,
      validateCerts: params.validate_certs,
      httpAgent: params.http_agent,
      ifModifiedSince: decision.kind === 'download' && decision.ifModifiedSince ? dest : undefined,
    };
    const state = { dest, tool, request, expected, wanted, checksumDest: facts.sha1 ?? null };

    if (decision.kind === 'keep' || facts.kind === 'file') {
      const got = decision.kind === 'keep' ? null : await download(ctx, state);
      if (got) await verifyDigest(ctx, got, expected, dest);
      if (got && got.sha1 !== facts.sha1) {
        if (ctx.checkMode) await removeTmp(ctx, got.tmp);
        return { status: 'change', description: `update ${dest} from ${params.url}`, state: { ...state, write: true, download: ctx.checkMode ? undefined : got } };
      }
      if (got) await removeTmp(ctx, got.tmp);
      const attributes = await attributesNow();
      const unchanged = got
        ? { checksum_src: got.sha1, checksum_dest: facts.sha1, status_code: got.status, msg: `OK (${got.size} bytes)`, md5sum: got.md5 }
        : { checksum_src: null, checksum_dest: null, msg: decision.kind === 'keep' ? decision.msg : 'HTTP Error 304: Not Modified', ...(decision.kind === 'keep' ? {} : { status_code: 304 }) };
      if (!hasAttributeChanges(attributes)) return { status: 'ok', reason: `${dest} up to date`, result: { ...base, ...unchanged, ...(await pathInfo(ctx, dest)) } };
      return { status: 'change', description: `${dest}: ${attributes.descriptions.join(', ')}`, state: { ...state, write: false } };
    }
    return { status: 'change', description: `download ${params.url} to ${dest}`, state: { ...state, write: true } };
  },

  async apply(ctx, _params, state) {
    const { dest, expected } = state;
    let got: Download | null | undefined = state.download;
    if (state.write && !got) got = await download(ctx, { ...state, request: { ...state.request, ifModifiedSince: undefined } });
    if (got) {
      await verifyDigest(ctx, got, expected, dest);
      await runChecked(ctx, ['sh', '-c', MOVE_SCRIPT, 'sh', got.tmp, dest]);
    }
    await applyAttributes(ctx, dest, planAttributes(await ctx.conn.stat(dest, { become: ctx.become }), state.wanted));
    const downloaded = got ? { checksum_src: got.sha1, status_code: got.status, msg: `OK (${got.size} bytes)`, md5sum: got.md5 } : { checksum_src: null, msg: 'file already exists but file attributes changed' };
    return {
      changed: true,
      result: { dest, url: state.request.url, elapsed: 0, checksum_dest: state.checksumDest, ...downloaded, ...(await pathInfo(ctx, dest)) },
    };
  },
});
