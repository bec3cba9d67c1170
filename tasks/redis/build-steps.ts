// The decisions of redis.build as pure functions (facts in, plan or commands out), tested from
// data with no host: what `redis-server --version` says, whether make failed for want of a
// compiler, which platform a host is, how its package manager installs a toolchain.
import type { ExecResult } from '../../src/connect/connection.ts';

/** `redis-server --version` -> "7.0.15"; null when the output is not Redis's version line. */
export function parseRedisServerVersion(stdout: string): string | null {
  const match = /^Redis server v=(\S+)/m.exec(stdout);
  return match ? match[1] : null;
}

/**
 * Whether make failed because a tool is missing, as in the guide: `/bin/sh: 1: cc: not found`
 * then `make[1]: *** [...] Error 127`. bash says "command not found"; make itself missing is 127.
 */
export function isMissingToolchain(result: Pick<ExecResult, 'code' | 'stderr'>): boolean {
  if (result.code === 0) return false;
  if (result.code === 127) return true;
  return /(^|[\s/:])(cc|gcc|make): (command )?not found/m.test(result.stderr) || /\] Error 127\s*$/m.test(result.stderr);
}

export interface Platform {
  arch: string;
  /** "glibc-2.36", "musl-1.2.4", or "unknown" when ldd says nothing we recognise. */
  libc: string;
  /** arch + libc: hosts with equal keys can run each other's binaries. */
  key: string;
}

/**
 * `uname -m` and `ldd --version 2>&1` -> the platform. The libc version is part of the key because
 * a binary linked against a newer glibc does not start on an older one.
 */
export function parsePlatform(unameM: string, lddVersion: string): Platform {
  const arch = unameM.trim();
  const glibc = /^ldd \(.*(?:GLIBC|GNU libc).*\)\s+(\d+\.\d+)/im.exec(lddVersion);
  const musl = /musl libc[\s\S]*?Version\s+(\d+(?:\.\d+)*)/i.exec(lddVersion);
  const libc = glibc ? `glibc-${glibc[1]}` : musl ? `musl-${musl[1]}` : 'unknown';
  return { arch, libc, key: `${arch}/${libc}` };
}

export type PackageManager = 'apt-get' | 'dnf' | 'yum' | 'apk';

/** `command -v apt-get dnf yum apk` output -> the first manager found, in that order. */
export function parsePackageManager(commandVOutput: string): PackageManager | null {
  const found = commandVOutput.split('\n').map((line) => line.trim().split('/').pop());
  return (['apt-get', 'dnf', 'yum', 'apk'] as const).find((pm) => found.includes(pm)) ?? null;
}

/**
 * Commands that install a C toolchain, tried in order until one succeeds (the apt index of a fresh
 * server may be empty, so the second apt attempt refreshes it first, as the guide does).
 */
export function toolchainInstallCommands(pm: PackageManager): string[][] {
  switch (pm) {
    case 'apt-get':
      return [
        ['apt-get', 'install', '-y', 'gcc', 'make', 'libc6-dev'],
        ['sh', '-c', 'apt-get update && apt-get install -y gcc make libc6-dev'],
      ];
    case 'dnf':
    case 'yum':
      return [[pm, 'install', '-y', 'gcc', 'make']];
    case 'apk':
      return [['apk', 'add', '--no-cache', 'gcc', 'make', 'musl-dev', 'linux-headers']];
  }
}

/** Environment for package installs: apt must never stop to ask a question. */
export const PACKAGE_INSTALL_ENV: Record<string, string> = { DEBIAN_FRONTEND: 'noninteractive' };

export interface BuildLayout {
  /** Where the tarball is put and unpacked. */
  buildDir: string;
  tarball: string;
  sourceDir: string;
  server: string;
}

/** Every path the build uses, from the prefix and build dir (default `<prefix>/src`, /usr/local/src). */
export function buildLayout(version: string, prefix: string, buildDir?: string): BuildLayout {
  const dir = buildDir ?? `${prefix.replace(/\/+$/, '')}/src`;
  return {
    buildDir: dir,
    tarball: `${dir}/redis-${version}.tar.gz`,
    sourceDir: `${dir}/redis-${version}`,
    server: `${prefix.replace(/\/+$/, '')}/bin/redis-server`,
  };
}

export type BuildPlan = { status: 'ok'; reason: string } | { status: 'change'; description: string };

/** Installed version (null: no redis-server at the prefix) and the wanted one -> the plan. */
export function planBuild(installed: string | null, wanted: string, layout: BuildLayout): BuildPlan {
  if (installed === wanted) return { status: 'ok', reason: `${layout.server} is already ${wanted}` };
  const now = installed === null ? 'not installed' : `installed: ${installed}`;
  return { status: 'change', description: `build redis ${wanted} in ${layout.sourceDir}, install to ${layout.server} (${now})` };
}

/** `make -j` jobs: the param, else the host's CPU count (`nproc`), else 1. */
export function makeJobs(param: number | undefined, nprocOutput: string): number {
  if (param !== undefined) return param;
  const cpus = Number.parseInt(nprocOutput.trim(), 10);
  return Number.isInteger(cpus) && cpus > 0 ? cpus : 1;
}

/** The binaries `make install` writes (the rest are symlinks to redis-server it makes itself). */
export const INSTALLED_BINARIES = ['redis-server', 'redis-cli', 'redis-benchmark'] as const;
export const SERVER_SYMLINKS = ['redis-check-rdb', 'redis-check-aof', 'redis-sentinel'] as const;

/** The last non-empty line of make's output, the one worth a log line. */
export function lastLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.at(-1) ?? '';
}
