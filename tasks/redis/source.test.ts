import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connect/local.ts';
import { createTestTaskContext } from '../../test/helpers/task-context.ts';
import { debianPoolUrl, downloadCommand, expectedSha256, fetchSource, parseDownloader, parseSha256sum, placeLabel, sourcePlaces, upstreamUrl } from './source.ts';

describe('sourcePlaces', () => {
  it('tries the controller tarball, then download.redis.io, then the Debian pool', () => {
    expect(sourcePlaces('7.0.15', { tarball: 'files/redis.tar.gz' })).toEqual([
      { tarball: 'files/redis.tar.gz' },
      { url: 'https://download.redis.io/releases/redis-7.0.15.tar.gz' },
      { url: 'http://deb.debian.org/debian/pool/main/r/redis/redis_7.0.15.orig.tar.gz' },
    ]);
  });
  it('leaves the tarball out when none is given, and lets urls replace the defaults', () => {
    expect(sourcePlaces('7.2.4', {})).toEqual([{ url: upstreamUrl('7.2.4') }, { url: debianPoolUrl('7.2.4') }]);
    expect(sourcePlaces('7.0.15', { tarball: 't.tgz', urls: ['http://mirror/r.tgz'] })).toEqual([{ tarball: 't.tgz' }, { url: 'http://mirror/r.tgz' }]);
  });
  it('takes an explicit list as it is', () => {
    const sources = [{ url: 'http://a' }, { tarball: '/b' }];
    expect(sourcePlaces('7.0.15', { sources, tarball: 'ignored' })).toBe(sources);
  });
  it('labels places for the report', () => {
    expect(placeLabel({ tarball: '/x.tgz' })).toBe('controller:/x.tgz');
    expect(placeLabel({ url: 'http://a' })).toBe('http://a');
  });
});

describe('expectedSha256', () => {
  it('checks the digest given, else the known one of the release, else none', () => {
    const other = 'a'.repeat(64);
    expect(expectedSha256('7.0.15', other)).toBe(other);
    expect(expectedSha256('7.0.15', undefined)).toBe('4b1dc4ee6d622a09fff9c6777191209750fb5e5a725ef78ea012d6eef4c22982');
    expect(expectedSha256('6.2.99', undefined)).toBeUndefined();
  });
});

describe('download', () => {
  it('gives up on a connection after 5 s and fails on HTTP errors', () => {
    expect(downloadCommand('curl', 'https://u/r.tgz', '/s/r.tgz')).toEqual(['curl', '-fsSL', '--connect-timeout', '5', '--retry', '0', '-o', '/s/r.tgz', 'https://u/r.tgz']);
    expect(downloadCommand('wget', 'https://u/r.tgz', '/s/r.tgz')).toEqual(['wget', '-q', '--connect-timeout=5', '--read-timeout=60', '--tries=1', '-O', '/s/r.tgz', 'https://u/r.tgz']);
  });
  it('prefers curl, takes wget, or reports neither', () => {
    expect(parseDownloader('/usr/bin/curl\n/usr/bin/wget\n')).toBe('curl');
    expect(parseDownloader('/usr/bin/wget\n')).toBe('wget');
    expect(parseDownloader('')).toBeNull();
  });
});

describe('parseSha256sum', () => {
  it('reads the digest', () => {
    expect(parseSha256sum('4B1DC4EE6D622A09FFF9C6777191209750FB5E5A725EF78EA012D6EEF4C22982  /usr/local/src/redis-7.0.15.tar.gz\n')).toBe(
      '4b1dc4ee6d622a09fff9c6777191209750fb5e5a725ef78ea012d6eef4c22982',
    );
    expect(parseSha256sum('sha256sum: x: No such file or directory\n')).toBeNull();
  });
});

describe('fetchSource on a real local connection', () => {
  it('falls through the places in order, recording why each was not used', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pg-source-'));
    try {
      const good = gzipSync(Buffer.from('redis source stand-in\n'));
      const digest = createHash('sha256').update(good).digest('hex');
      await writeFile(join(dir, 'good.tar.gz'), good);
      await writeFile(join(dir, 'other.tar.gz'), gzipSync(Buffer.from('another release\n')));
      await writeFile(join(dir, 'page.html'), '<html>not found</html>\n');
      const ctx = createTestTaskContext(new LocalConnection('local'), { baseDir: dir });
      const dest = join(dir, 'fetched.tar.gz');
      const places = [
        { url: 'http://127.0.0.1:9/redis.tar.gz' }, // discard port: connection refused at once
        { tarball: 'missing.tar.gz' },
        { tarball: 'page.html' },
        { tarball: 'other.tar.gz' },
        { tarball: 'good.tar.gz' },
      ];
      const fetched = await fetchSource(ctx, places, dest, { sha256: digest, become: false });
      expect(fetched.used).toBe('controller:good.tar.gz');
      expect(fetched.failures.map((f) => f.place)).toEqual(['http://127.0.0.1:9/redis.tar.gz', 'controller:missing.tar.gz', 'controller:page.html', 'controller:other.tar.gz']);
      expect(fetched.failures[0].reason).toMatch(/^(curl|wget) exit \d+/);
      expect(fetched.failures[1].reason).toMatch(/^cannot copy from the controller/);
      expect(fetched.failures[2].reason).toMatch(/^not a gzip tarball/);
      expect(fetched.failures[3].reason).toMatch(/^sha256 mismatch: got [0-9a-f]{64}, want /);
      expect(await readFile(dest)).toEqual(good);
      expect(ctx.logged.at(-1)).toMatch(/^info: source: controller:good.tar.gz \(after http:\/\/127.0.0.1:9/);

      await expect(fetchSource(ctx, places.slice(0, 2), dest, { become: false })).rejects.toThrow(
        /no place gave the redis source: http:\/\/127.0.0.1:9\/redis.tar.gz: .*; controller:missing.tar.gz: cannot copy/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
