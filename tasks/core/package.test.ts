import { describe, expect, it } from 'vitest';
import { cacheIsStale, installArgs, isAptLockContention, packageList, packageParams, parseCacheTimes, parseDpkgQuery, parseSimulatedInstalls, planPackages } from './package.ts';

// Captured from Debian 12: dpkg-query -W -f='${Package} ${Status} ${Version}\n' coreutils gcc make libssl-dev
const DPKG_OUTPUT = [
  'coreutils install ok installed 9.1-1',
  'gcc deinstall ok config-files 4:12.2.0-3',
  'make install ok installed 4.3-4.1',
  'libssl-dev:amd64 install ok installed 3.0.11-1~deb12u2',
  'tcl unknown ok not-installed ',
  '',
].join('\n');

const SIMULATED = `Reading package lists...
Building dependency tree...
The following packages will be upgraded:
  make
Inst make [4.3-4.1] (4.3-4.2 Debian:12.5/stable [amd64])
Inst libfoo:amd64 (1.0 Debian:12.5/stable [amd64])
Conf make (4.3-4.2 Debian:12.5/stable [amd64])
`;

describe('package facts', () => {
  it('parses dpkg-query status lines', () => {
    const installed = parseDpkgQuery(DPKG_OUTPUT);
    expect(installed.get('coreutils')).toEqual({ installed: true, version: '9.1-1' });
    expect(installed.get('gcc')).toEqual({ installed: false, version: '4:12.2.0-3' });
    expect(installed.get('libssl-dev')).toEqual({ installed: true, version: '3.0.11-1~deb12u2' });
    expect(installed.get('tcl')).toEqual({ installed: false, version: '' });
    expect(installed.has('nosuch')).toBe(false);
  });

  it('parses what a simulated install would install', () => {
    expect(parseSimulatedInstalls(SIMULATED)).toEqual(['make', 'libfoo']);
  });

  it('recognizes apt lock contention', () => {
    expect(isAptLockContention({ code: 100, stderr: 'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (unattended-upgr)' })).toBe(true);
    expect(isAptLockContention({ code: 100, stderr: 'E: Unable to locate package nosuch' })).toBe(false);
    expect(isAptLockContention({ code: 0, stderr: '' })).toBe(false);
  });

  it('takes a name, a list or a comma list', () => {
    expect(packageList('gcc')).toEqual(['gcc']);
    expect(packageList('gcc, make')).toEqual(['gcc', 'make']);
    expect(packageList(['gcc', 'make'])).toEqual(['gcc', 'make']);
  });
});

describe('planPackages', () => {
  const installed = parseDpkgQuery(DPKG_OUTPUT);
  it.each([
    { specs: ['coreutils'], state: 'present', install: [], remove: [] },
    { specs: ['coreutils', 'gcc', 'nosuch'], state: 'present', install: ['gcc', 'nosuch'], remove: [] },
    { specs: ['make=4.3-4.1'], state: 'present', install: [], remove: [] },
    { specs: ['make=4.3-4.2'], state: 'present', install: ['make=4.3-4.2'], remove: [] },
    { specs: ['make', 'coreutils'], state: 'latest', install: ['make'], remove: [] },
    { specs: ['coreutils', 'gcc', 'tcl'], state: 'absent', install: [], remove: ['coreutils'] },
  ] as const)('$state $specs', ({ specs, state, install, remove }) => {
    expect(planPackages([...specs], state, installed, ['make'])).toEqual({ install, remove });
  });
});

describe('Ansible apt parameter names', () => {
  it('takes name, pkg or package, and needs a name or update_cache', () => {
    expect(packageParams.parse({ name: 'gcc' }).name).toBe('gcc');
    expect(packageParams.parse({ pkg: ['gcc', 'make'] }).name).toEqual(['gcc', 'make']);
    expect(packageParams.parse({ package: 'gcc' }).name).toBe('gcc');
    expect(packageParams.parse({ update_cache: true }).name).toBeUndefined();
    expect(packageParams.parse({ cache_valid_time: 3600 }).cache_valid_time).toBe(3600);
    expect(packageParams.safeParse({}).success).toBe(false);
    expect(packageParams.safeParse({ name: 'gcc', state: 'build-dep' }).success).toBe(false);
  });

  it('updates the cache when it is older than cache_valid_time (0: always)', () => {
    expect(parseCacheTimes('1700000000\n1700003000\n')).toEqual({ updated: 1700000000, now: 1700003000 });
    expect(cacheIsStale({ updated: 1700000000, now: 1700003000 }, 3600)).toBe(false);
    expect(cacheIsStale({ updated: 1700000000, now: 1700003601 }, 3600)).toBe(true);
    expect(cacheIsStale({ updated: 1700000000, now: 1700000001 }, 0)).toBe(true);
    expect(cacheIsStale({ updated: 0, now: 1700000000 }, 86400)).toBe(true);
  });

  it('passes install_recommends to apt-get only when set', () => {
    expect(installArgs({}, ['gcc'])).toEqual(['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', 'install', 'gcc']);
    expect(installArgs({ install_recommends: false }, ['gcc'])).toContain('--no-install-recommends');
    expect(installArgs({ install_recommends: true }, ['gcc'])).toContain('--install-recommends');
  });
});
