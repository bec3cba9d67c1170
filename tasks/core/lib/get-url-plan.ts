// get_url's pure part: the checksum parameter read as Ansible reads it, what the host's facts
// decide (ansible/modules/get_url.py, ansible-core 2.14), and the downloader's input. The host
// downloads, as with Ansible; curl when it has one (it takes every option, secrets included,
// as a config on stdin, so nothing shows on a process list), else python3's urllib (what
// Ansible itself uses there). wget is not used: it takes a password and headers only as
// arguments or a config file.
import { TaskError } from '../../../src/errors.ts';

export const CHECKSUM_ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface ExpectedChecksum {
  algorithm: ChecksumAlgorithm;
  digest: string;
}

/** `sha256:abc...` as Ansible takes it: non-word characters dropped, lowercased, hex only. */
export function parseChecksum(checksum: string): ExpectedChecksum | null {
  if (checksum === '') return null;
  const at = checksum.indexOf(':');
  if (at < 0) throw new TaskError('The checksum parameter has to be in format <algorithm>:<checksum>');
  const algorithm = checksum.slice(0, at).toLowerCase();
  const value = checksum.slice(at + 1);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new TaskError('a checksum given as the URL of a checksum file is not supported: give the digest itself');
  if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm)) throw new TaskError(`unsupported checksum algorithm '${algorithm}': use one of ${CHECKSUM_ALGORITHMS.join(', ')}`);
  const digest = value.replace(/[\W_]+/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(digest)) throw new TaskError('The checksum format is invalid');
  return { algorithm: algorithm as ChecksumAlgorithm, digest };
}

/** The file name a directory dest receives: the URL path's last part (Content-Disposition is not read). */
export function urlFilename(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  return name === '' ? 'index.html' : name;
}

/** `key value` lines, as the host scripts print them. */
export function parseFacts(output: string): Map<string, string> {
  const facts = new Map<string, string>();
  for (const line of output.split('\n')) {
    const at = line.indexOf(' ');
    if (at > 0) facts.set(line.slice(0, at), line.slice(at + 1).trim());
    else if (line.trim()) facts.set(line.trim(), '');
  }
  return facts;
}

export interface DestFacts {
  kind: 'file' | 'directory' | 'other' | 'missing';
  parentExists: boolean;
  sha1?: string;
  /** The dest's digest in the checksum's algorithm. */
  digest?: string;
  tools: string[];
}

export function destFacts(output: string): DestFacts {
  const facts = parseFacts(output);
  return {
    kind: (facts.get('kind') as DestFacts['kind']) ?? 'missing',
    parentExists: facts.has('parent'),
    sha1: facts.get('sha1'),
    digest: facts.get('digest'),
    tools: (facts.get('tools') ?? '').split(' ').filter(Boolean),
  };
}

/** Pure: skip (the checksum matches and no force), download to compare, or download into place. */
export type DownloadDecision = { kind: 'keep'; msg: string } | { kind: 'download'; ifModifiedSince: boolean };

export function decideDownload(facts: DestFacts, dest: string, force: boolean, expected: ExpectedChecksum | null): DownloadDecision {
  if (!facts.parentExists) throw new TaskError(`Destination ${dest.replace(/\/[^/]*$/, '') || '/'} does not exist`);
  if (facts.kind === 'directory' || facts.kind === 'other') throw new TaskError(`${dest} exists and is not a file`);
  if (facts.kind === 'missing') return { kind: 'download', ifModifiedSince: false };
  const mismatch = expected !== null && facts.digest !== expected.digest;
  if (!force && expected !== null && !mismatch) return { kind: 'keep', msg: 'file already exists' };
  // An existing file is asked for only if newer (Ansible's last_mod_time) unless forced or the checksum differs.
  return { kind: 'download', ifModifiedSince: !force && !mismatch };
}

export interface Request {
  url: string;
  headers: Record<string, string>;
  username?: string;
  password?: string;
  timeout: number;
  validateCerts: boolean;
  httpAgent: string;
  /** Send If-Modified-Since with this file's mtime. */
  ifModifiedSince?: string;
}

/** curl's `-K` quoting: inside double quotes, backslash and quote escaped; no newlines. */
function curlQuote(value: string): string {
  if (/[\r\n]/.test(value)) throw new TaskError('get_url: a URL, header or credential may not contain a line break');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The curl config read from stdin (`curl -K -`): every option, the secrets too, off the command line. */
export function curlConfig(request: Request): string {
  const lines = [
    `url = ${curlQuote(request.url)}`,
    'location',
    `user-agent = ${curlQuote(request.httpAgent)}`,
    `connect-timeout = ${request.timeout}`,
    // Ansible's timeout is the socket's: a stalled transfer, not a slow one, fails.
    `speed-limit = 1`,
    `speed-time = ${request.timeout}`,
    ...Object.entries(request.headers).map(([name, value]) => `header = ${curlQuote(`${name}: ${value}`)}`),
  ];
  if (request.username !== undefined) lines.push('basic', `user = ${curlQuote(`${request.username}:${request.password ?? ''}`)}`);
  if (!request.validateCerts) lines.push('insecure');
  if (request.ifModifiedSince !== undefined) lines.push(`time-cond = ${curlQuote(request.ifModifiedSince)}`);
  return `${lines.join('\n')}\n`;
}

/** What python3 reads from stdin when there is no curl. */
export function pythonRequest(request: Request): string {
  return JSON.stringify(request);
}

/** `status <code> <bytes>` and the downloaded file's digests, from the download script. */
export function downloadFacts(output: string): { tmp?: string; status: number; size: number; sha1?: string; digest?: string } {
  const facts = parseFacts(output);
  const [status = '0', size = '0'] = (facts.get('status') ?? '').split(' ');
  return { tmp: facts.get('tmp'), status: Number(status), size: Number(size), sha1: facts.get('sha1'), digest: facts.get('digest') };
}
