// Where redis.build gets the Redis source: an ordered list of places, tried in turn on the host.
// A place that fails (unreachable URL, missing controller file, wrong checksum, not a gzip file)
// is recorded with its reason and the next one is tried, so the result can say which place was
// used and why the earlier ones were not.
import { isAbsolute, resolve } from 'node:path';
import { quoteCommand } from '../../src/connect/quote.ts';
import { TaskError } from '../../src/errors.ts';
import type { TaskContext } from '../../src/modules/module.ts';

/** A tarball on the controller (pushed to the host) or a URL (downloaded by the host itself). */
export type SourcePlace = { tarball: string } | { url: string };

export interface PlaceFailure {
  place: string;
  reason: string;
}

export interface FetchedSource {
  /** The place used, as `placeLabel` prints it. */
  used: string;
  failures: PlaceFailure[];
}

export type Downloader = 'curl' | 'wget';

/** Seconds to wait for a TCP connection: an unreachable mirror must fail fast, not hang the build. */
export const CONNECT_TIMEOUT_SECONDS = 5;

export function upstreamUrl(version: string): string {
  return `https://download.redis.io/releases/redis-${version}.tar.gz`;
}

/** Debian's pool keeps the unmodified upstream tarball as the source package's .orig.tar.gz. */
export function debianPoolUrl(version: string): string {
  return `http://deb.debian.org/debian/pool/main/r/redis/redis_${version}.orig.tar.gz`;
}

/**
 * The places to try, in order: an explicit list wins; otherwise the controller tarball (when
 * given), then the URLs (given, or download.redis.io's release followed by Debian's pool copy).
 */
export function sourcePlaces(version: string, options: { sources?: SourcePlace[]; tarball?: string; urls?: string[] }): SourcePlace[] {
  if (options.sources && options.sources.length > 0) return options.sources;
  const urls = options.urls && options.urls.length > 0 ? options.urls : [upstreamUrl(version), debianPoolUrl(version)];
  return [...(options.tarball ? [{ tarball: options.tarball }] : []), ...urls.map((url) => ({ url }))];
}

/**
 * sha256 of upstream release tarballs we have checked (download.redis.io's release, byte for
 * byte the Debian pool's .orig.tar.gz). A download of such a version is verified even when the
 * playbook gives no sha256, so a truncated or substituted file is caught on the host.
 */
export const KNOWN_SHA256: Readonly<Record<string, string>> = {
  '7.0.15': '4b1dc4ee6d622a09fff9c6777191209750fb5e5a725ef78ea012d6eef4c22982',
};

/** The digest to check: the one given, else the release's known one, else none. */
export function expectedSha256(version: string, given: string | undefined): string | undefined {
  return given ?? KNOWN_SHA256[version];
}

export function placeLabel(place: SourcePlace): string {
  return 'url' in place ? place.url : `controller:${place.tarball}`;
}

/** The download command for the tool the host has; both fail on HTTP errors and give up fast. */
export function downloadCommand(tool: Downloader, url: string, dest: string): string[] {
  return tool === 'curl'
    ? ['curl', '-fsSL', '--connect-timeout', String(CONNECT_TIMEOUT_SECONDS), '--retry', '0', '-o', dest, url]
    : ['wget', '-q', `--connect-timeout=${CONNECT_TIMEOUT_SECONDS}`, '--read-timeout=60', '--tries=1', '-O', dest, url];
}

/** `command -v curl wget` output -> the tool to use (curl preferred), or null when neither exists. */
export function parseDownloader(commandVOutput: string): Downloader | null {
  const found = commandVOutput.split('\n').map((line) => line.trim().split('/').pop());
  if (found.includes('curl')) return 'curl';
  if (found.includes('wget')) return 'wget';
  return null;
}

/** `sha256sum FILE` output -> the lowercase hex digest. */
export function parseSha256sum(output: string): string | null {
  const match = /^([0-9a-fA-F]{64})\s/.exec(output.trim() + ' ');
  return match ? match[1].toLowerCase() : null;
}

/** First line of an error output, short enough for a report line. */
export function firstLine(text: string): string {
  return text.trim().split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 200) ?? '';
}

/**
 * Tries each place until one yields a gzip file at `dest` that matches `sha256` (when given).
 * Throws a TaskError listing every place and its reason when none does.
 */
export async function fetchSource(
  ctx: TaskContext,
  places: SourcePlace[],
  dest: string,
  options: { sha256?: string; become: boolean },
): Promise<FetchedSource> {
  const failures: PlaceFailure[] = [];
  let downloader: Downloader | null | undefined;
  for (const place of places) {
    ctx.signal.throwIfAborted();
    const label = placeLabel(place);
    let reason: string | null;
    if ('url' in place) {
      downloader ??= parseDownloader((await ctx.conn.exec({ shell: 'command -v curl wget' })).stdout);
      reason = downloader ? await download(ctx, downloader, place.url, dest, options.become) : 'neither curl nor wget is installed on the host';
    } else {
      reason = await push(ctx, place.tarball, dest, options.become);
    }
    reason ??= await verify(ctx, dest, options.sha256, options.become);
    if (reason === null) {
      if (failures.length > 0) {
        ctx.log.info(`source: ${label} (after ${failures.map((f) => `${f.place}: ${f.reason}`).join('; ')})`);
      } else {
        ctx.log.info(`source: ${label}`);
      }
      return { used: label, failures };
    }
    failures.push({ place: label, reason });
    ctx.log.warn(`source ${label} not used: ${reason}`);
  }
  throw new TaskError(
    `no place gave the redis source: ${failures.map((f) => `${f.place}: ${f.reason}`).join('; ') || 'no places given'}`,
  );
}

async function download(ctx: TaskContext, tool: Downloader, url: string, dest: string, become: boolean): Promise<string | null> {
  const result = await ctx.conn.exec(downloadCommand(tool, url, dest), { become, signal: ctx.signal });
  if (result.code === 0) return null;
  await ctx.conn.exec(['rm', '-f', dest], { become });
  return `${tool} exit ${result.code ?? 'signal'}: ${firstLine(result.stderr) || 'no error output'}`;
}

async function push(ctx: TaskContext, tarball: string, dest: string, become: boolean): Promise<string | null> {
  const local = isAbsolute(tarball) ? tarball : resolve(ctx.baseDir, tarball);
  try {
    await ctx.conn.putFile(local, dest, { mode: 0o644, become });
    return null;
  } catch (error) {
    return `cannot copy from the controller: ${error instanceof Error ? firstLine(error.message) : String(error)}`;
  }
}

/** null when the file is a sound gzip stream with the wanted digest; otherwise why it is not. */
async function verify(ctx: TaskContext, file: string, sha256: string | undefined, become: boolean): Promise<string | null> {
  const gzip = await ctx.conn.exec(['gzip', '-t', file], { become });
  if (gzip.code !== 0) return `not a gzip tarball (${firstLine(gzip.stderr) || `gzip -t exit ${gzip.code}`})`;
  if (!sha256) return null;
  const sum = await ctx.conn.exec(['sha256sum', file], { become });
  const got = parseSha256sum(sum.stdout);
  if (got === null) return `sha256sum failed: ${firstLine(sum.stderr) || quoteCommand(['sha256sum', file])}`;
  return got === sha256.toLowerCase() ? null : `sha256 mismatch: got ${got}, want ${sha256.toLowerCase()}`;
}
