import { describe, expect, it } from 'vitest';
import {
  buildLayout,
  isMissingToolchain,
  lastLine,
  makeJobs,
  parsePackageManager,
  parsePlatform,
  parseRedisServerVersion,
  planBuild,
  toolchainInstallCommands,
} from './build-steps.ts';
import { buildParams } from './build.ts';

describe('parseRedisServerVersion', () => {
  it('reads the version from redis-server --version', () => {
    expect(parseRedisServerVersion('Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.2.1 bits=64 build=c1b3b7f1d4d5b4e1\n')).toBe('7.0.15');
    expect(parseRedisServerVersion('Redis server v=7.2.4 sha=00000000:0 malloc=libc bits=64 build=1\n')).toBe('7.2.4');
  });
  it('is null for anything else', () => {
    expect(parseRedisServerVersion('')).toBeNull();
    expect(parseRedisServerVersion('sh: 1: redis-server: not found')).toBeNull();
  });
});

describe('planBuild', () => {
  const layout = buildLayout('7.0.15', '/usr/local');
  it('is ok when the wanted version is installed', () => {
    expect(planBuild('7.0.15', '7.0.15', layout)).toEqual({ status: 'ok', reason: '/usr/local/bin/redis-server is already 7.0.15' });
  });
  it('builds when nothing or another version is installed', () => {
    expect(planBuild(null, '7.0.15', layout)).toEqual({
      status: 'change',
      description: 'build redis 7.0.15 in /usr/local/src/redis-7.0.15, install to /usr/local/bin/redis-server (not installed)',
    });
    expect(planBuild('6.2.6', '7.0.15', layout)).toMatchObject({ status: 'change', description: expect.stringContaining('(installed: 6.2.6)') });
  });
});

describe('buildLayout', () => {
  it('puts the build under PREFIX/src by default (/usr/local/src for /usr/local)', () => {
    expect(buildLayout('7.0.15', '/usr/local')).toEqual({
      buildDir: '/usr/local/src',
      tarball: '/usr/local/src/redis-7.0.15.tar.gz',
      sourceDir: '/usr/local/src/redis-7.0.15',
      server: '/usr/local/bin/redis-server',
    });
    expect(buildLayout('7.0.15', '/home/u/redis/', '/tmp/b').sourceDir).toBe('/tmp/b/redis-7.0.15');
    expect(buildLayout('7.0.15', '/home/u/redis/').server).toBe('/home/u/redis/bin/redis-server');
  });
});

describe('isMissingToolchain', () => {
  it("detects the guide's dash error", () => {
    const stderr = '/bin/sh: 1: cc: not found\nmake[1]: *** [Makefile:403: adlist.o] Error 127\nmake[1]: Leaving directory\nmake: *** [Makefile:6: all] Error 2\n';
    expect(isMissingToolchain({ code: 2, stderr })).toBe(true);
  });
  it("detects bash's wording, gcc, and make itself missing", () => {
    expect(isMissingToolchain({ code: 2, stderr: 'bash: line 1: gcc: command not found\n' })).toBe(true);
    expect(isMissingToolchain({ code: 127, stderr: 'sh: 1: make: not found\n' })).toBe(true);
  });
  it('does not mistake a compile error for a missing compiler', () => {
    expect(isMissingToolchain({ code: 2, stderr: "server.c:12:10: fatal error: foo.h: No such file or directory\nmake[1]: *** [Makefile:403: server.o] Error 1\n" })).toBe(false);
    expect(isMissingToolchain({ code: 0, stderr: '' })).toBe(false);
  });
});

describe('parsePlatform', () => {
  it('keys glibc hosts by arch and glibc version', () => {
    expect(parsePlatform('x86_64\n', 'ldd (Debian GLIBC 2.36-9+deb12u14) 2.36\nCopyright (C) 2022 Free Software Foundation, Inc.\n')).toEqual({
      arch: 'x86_64',
      libc: 'glibc-2.36',
      key: 'x86_64/glibc-2.36',
    });
    expect(parsePlatform('aarch64', 'ldd (Ubuntu GLIBC 2.35-0ubuntu3.8) 2.35\n').key).toBe('aarch64/glibc-2.35');
    expect(parsePlatform('x86_64', 'ldd (GNU libc) 2.34\n').key).toBe('x86_64/glibc-2.34');
  });
  it('recognises musl and unknown libcs', () => {
    expect(parsePlatform('x86_64', 'musl libc (x86_64)\nVersion 1.2.4\nDynamic Program Loader\n').key).toBe('x86_64/musl-1.2.4');
    expect(parsePlatform('armv7l', 'sh: ldd: not found\n').key).toBe('armv7l/unknown');
  });
});

describe('toolchain install', () => {
  it('finds the package manager from command -v output', () => {
    expect(parsePackageManager('/usr/bin/apt-get\n')).toBe('apt-get');
    expect(parsePackageManager('/usr/bin/dnf\n/usr/bin/yum\n')).toBe('dnf');
    expect(parsePackageManager('/sbin/apk\n')).toBe('apk');
    expect(parsePackageManager('')).toBeNull();
  });
  it('installs gcc, make and the libc headers with apt, refreshing the index on the second try', () => {
    expect(toolchainInstallCommands('apt-get')).toEqual([
      ['apt-get', 'install', '-y', 'gcc', 'make', 'libc6-dev'],
      ['sh', '-c', 'apt-get update && apt-get install -y gcc make libc6-dev'],
    ]);
    expect(toolchainInstallCommands('yum')).toEqual([['yum', 'install', '-y', 'gcc', 'make']]);
  });
});

describe('make', () => {
  it('uses the param, else nproc, else 1 job', () => {
    expect(makeJobs(3, '8\n')).toBe(3);
    expect(makeJobs(undefined, '8\n')).toBe(8);
    expect(makeJobs(undefined, '')).toBe(1);
  });
  it('logs only the last line of its output', () => {
    expect(lastLine('    CC server.o\n    LINK redis-server\n\nHint: It\'s a good idea to run \'make test\' ;)\n\n')).toBe("Hint: It's a good idea to run 'make test' ;)");
  });
});

describe('params', () => {
  it("defaults to Debian 12's redis, /usr/local and a build on each host", () => {
    expect(buildParams.parse({})).toEqual({ version: '7.0.15', prefix: '/usr/local', build: 'each' });
  });
  it('refuses a malformed version, checksum or source place', () => {
    expect(() => buildParams.parse({ version: 'stable' })).toThrow();
    expect(() => buildParams.parse({ sha256: 'abc' })).toThrow();
    expect(() => buildParams.parse({ sources: [{ ftp: 'x' }] })).toThrow();
  });
});
