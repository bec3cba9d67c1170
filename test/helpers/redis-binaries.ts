// Builds redis-server/redis-cli once from the cached upstream tarball, for tests that need real
// servers before redis.build exists in CI. The result is reused across runs: a build takes minutes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_TEST_VERSION = '7.0.15';
const TARBALL = `/var/cache/playgraph/redis_${REDIS_TEST_VERSION}.orig.tar.gz`;
const PREFIX = `/var/cache/playgraph/redis-${REDIS_TEST_VERSION}-bin`;

export interface RedisBinaries {
  prefix: string;
  server: string;
  cli: string;
}

/** The installed binaries, building them first when the cache is empty. */
export function ensureRedisBinaries(): RedisBinaries {
  const binaries = { prefix: PREFIX, server: join(PREFIX, 'bin/redis-server'), cli: join(PREFIX, 'bin/redis-cli') };
  if (existsSync(binaries.server) && existsSync(binaries.cli)) return binaries;
  const work = mkdtempSync(join(tmpdir(), 'redis-build-'));
  try {
    execFileSync('tar', ['-xzf', TARBALL, '-C', work, '--strip-components=1'], { stdio: 'inherit' });
    // Building into a temporary tree and installing last keeps a half-built cache from being reused.
    execFileSync('make', ['-j2', 'BUILD_TLS=no'], { cwd: work, stdio: 'inherit' });
    execFileSync('make', ['install', `PREFIX=${PREFIX}`], { cwd: work, stdio: 'inherit' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binaries;
}
