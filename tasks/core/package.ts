import { z } from 'zod';
import type { ExecResult } from '../../src/connect/connection.ts';
import { assertSucceeded, runChecked } from '../../src/modules/run-checked.ts';
import { abortableSleep } from '../../src/modules/wait.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';

// Debian/Ubuntu packages through apt. Facts come from dpkg-query; `latest` asks apt-get for a
// simulated install, which lists exactly what a real one would install or upgrade.

const packageNames = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const seconds = z.number().int().min(0);

export const packageParams = z
  .strictObject({
    name: packageNames.optional().describe('Package name or list of names (aliases pkg, package); name=version pins a version'),
    pkg: packageNames.optional().describe('Alias of name'),
    package: packageNames.optional().describe('Alias of name'),
    state: z.enum(['present', 'absent', 'latest']).default('present').describe('present installs if missing, latest also upgrades, absent removes'),
    update_cache: z.boolean().default(false).describe('Run apt-get update first (unless cache_valid_time says the cache is fresh); alone, only that'),
    cache_valid_time: seconds.default(0).describe('Seconds the apt cache stays valid: update only when it is older (setting it implies update_cache)'),
    purge: z.boolean().default(false).describe('With state: absent, also remove configuration files'),
    install_recommends: z.boolean().optional().describe('Install recommended packages too (true) or not (false); unset, apt\'s own default'),
    lock_timeout: seconds.default(60).describe('Seconds to wait for another apt/dpkg holding the lock'),
    force_apt_get: z.boolean().default(false).describe('Accepted for Ansible compatibility: playgraph always uses apt-get'),
    use: z.enum(['auto', 'apt']).default('auto').describe('The package module\'s manager choice: only apt is supported'),
  })
  .transform(({ pkg, package: pkgAlias, ...params }) => ({ ...params, name: params.name ?? pkg ?? pkgAlias }))
  .refine((params) => params.name !== undefined || params.update_cache || params.cache_valid_time > 0, {
    message: 'one of the following is required: name, update_cache',
  });

export type PackageParams = z.infer<typeof packageParams>;

export const DPKG_QUERY_FORMAT = '${Package} ${Status} ${Version}\n';
const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };
const LOCK_RETRY_SECONDS = 5;
const LOCK_RETRIES = 60;

export interface InstalledPackage {
  installed: boolean;
  version: string;
}

/** Parses `dpkg-query -W -f='${Package} ${Status} ${Version}\n'` output. */
export function parseDpkgQuery(output: string): Map<string, InstalledPackage> {
  const packages = new Map<string, InstalledPackage>();
  for (const line of output.split('\n')) {
    // e.g. "coreutils install ok installed 9.1-1"; Version is empty for removed packages.
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    const [name, , , status, version = ''] = fields;
    packages.set(name.split(':')[0], { installed: status === 'installed', version });
  }
  return packages;
}

/** Package names apt-get would install or upgrade, from `apt-get install --simulate` output. */
export function parseSimulatedInstalls(output: string): string[] {
  return [...output.matchAll(/^Inst (\S+)/gm)].map((match) => match[1].split(':')[0]);
}

export function splitSpec(spec: string): { name: string; version?: string } {
  const [name, version] = spec.split('=', 2);
  return version === undefined ? { name } : { name, version };
}

export function packageList(name: string | string[]): string[] {
  return (Array.isArray(name) ? name : name.split(',')).map((entry) => entry.trim()).filter(Boolean);
}

export interface PackagePlan {
  /** Specs to pass to apt-get install, or names to remove. */
  install: string[];
  remove: string[];
}

/** Pure planner: wanted specs and installed facts (plus simulated upgrades for latest) in, plan out. */
export function planPackages(
  specs: string[],
  state: PackageParams['state'],
  installed: Map<string, InstalledPackage>,
  upgradable: string[] = [],
): PackagePlan {
  const plan: PackagePlan = { install: [], remove: [] };
  for (const spec of specs) {
    const { name, version } = splitSpec(spec);
    const current = installed.get(name);
    const isInstalled = current?.installed === true;
    if (state === 'absent') {
      if (isInstalled) plan.remove.push(name);
    } else if (!isInstalled || (version !== undefined && current.version !== version)) {
      plan.install.push(spec);
    } else if (state === 'latest' && version === undefined && upgradable.includes(name)) {
      plan.install.push(spec);
    }
  }
  return plan;
}

export function isAptLockContention(result: Pick<ExecResult, 'code' | 'stderr'>): boolean {
  return result.code !== 0 && /Could not get lock|Unable to acquire the dpkg frontend lock|is another process using it/i.test(result.stderr);
}

/** Runs apt-get as root, waiting out another apt/dpkg (unattended-upgrades) that holds the lock. */
async function aptGet(ctx: TaskContext, params: PackageParams, args: string[]): Promise<ExecResult> {
  const argv = ['apt-get', '-q', '-y', '-o', `DPkg::Lock::Timeout=${params.lock_timeout}`, ...args];
  for (let attempt = 0; ; attempt++) {
    const result = await ctx.conn.exec(argv, { env: APT_ENV, become: ctx.become, signal: ctx.signal });
    if (result.code === 0) return result;
    if (!isAptLockContention(result) || attempt >= LOCK_RETRIES) {
      assertSucceeded(ctx, result);
    }
    ctx.log.info(`apt is locked by another process; retrying in ${LOCK_RETRY_SECONDS}s`);
    await abortableSleep(LOCK_RETRY_SECONDS * 1000, ctx.signal);
  }
}

async function readInstalled(ctx: TaskContext, names: string[]): Promise<Map<string, InstalledPackage>> {
  // Exit 1 only means some names are unknown to dpkg; the known ones are still printed.
  const result = await runChecked(ctx, ['dpkg-query', '-W', `-f=${DPKG_QUERY_FORMAT}`, ...names], { become: false, allowedCodes: [0, 1] });
  return parseDpkgQuery(result.stdout);
}

/**
 * When apt's cache was last updated, as Ansible's get_updated_cache_time reads it: the
 * update-success stamp, else the lists directory (the one apt is configured with), else never;
 * and the host's clock, so the age is the host's own.
 */
const CACHE_TIME_SCRIPT = [
  'L=; eval "$(apt-config shell L Dir::State::lists/d 2>/dev/null)"',
  's=/var/lib/apt/periodic/update-success-stamp',
  'if [ -e "$s" ]; then stat -c %Y "$s"; elif [ -n "$L" ] && [ -e "$L" ]; then stat -c %Y "$L"; else echo 0; fi',
  'date +%s',
].join('\n');

export function parseCacheTimes(output: string): { updated: number; now: number } {
  const [updated = 0, now = 0] = output.trim().split(/\s+/).map(Number);
  return { updated, now };
}

/** Ansible's test: update unless the cache's time plus cache_valid_time is still ahead of now. */
export function cacheIsStale(times: { updated: number; now: number }, validSeconds: number): boolean {
  return !(times.updated + validSeconds >= times.now);
}

/** apt-get install's options: Debian's keep-my-config dpkg options, install_recommends when set. */
export function installArgs(params: Pick<PackageParams, 'install_recommends'>, specs: string[]): string[] {
  const recommends = params.install_recommends === undefined ? [] : [params.install_recommends ? '--install-recommends' : '--no-install-recommends'];
  return ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...recommends, 'install', ...specs];
}

interface PackageState {
  plan: PackagePlan;
  /** update_cache alone: the only change is the cache update. */
  updateCache: boolean;
  /** The registered cache_updated and cache_update_time. */
  cache: { cache_updated: boolean; cache_update_time: number };
}

export const taskModule = defineModule<PackageParams, PackageState>({
  name: 'core.package',
  summary: 'Install, upgrade or remove Debian/Ubuntu packages with apt (also as apt / ansible.builtin.apt)',
  params: packageParams,

  async check(ctx, params) {
    const wantsCache = params.update_cache || params.cache_valid_time > 0;
    const times = wantsCache ? parseCacheTimes((await runChecked(ctx, ['sh', '-c', CACHE_TIME_SCRIPT], { become: false })).stdout) : { updated: 0, now: 0 };
    const stale = wantsCache && cacheIsStale(times, params.cache_valid_time);
    const cache = { cache_updated: false, cache_update_time: times.updated };
    if (params.name === undefined) {
      // Ansible: update_cache alone is a change exactly when the cache was updated.
      if (!stale) return { status: 'ok', reason: 'apt cache is valid', result: cache };
      return { status: 'change', description: 'update the apt cache', state: { plan: { install: [], remove: [] }, updateCache: true, cache: { cache_updated: true, cache_update_time: times.now } } };
    }
    // As Ansible, the cache is brought up to date before deciding (latest needs fresh lists),
    // and that alone is not a change; --check only plans from the cache as it is.
    if (stale && !ctx.checkMode) {
      await aptGet(ctx, params, ['update']);
      Object.assign(cache, { cache_updated: true, cache_update_time: times.now });
    }
    const specs = packageList(params.name);
    const installed = await readInstalled(ctx, specs.map((spec) => splitSpec(spec).name));
    let upgradable: string[] = [];
    if (params.state === 'latest') {
      const simulated = await runChecked(ctx, ['apt-get', '-q', '--simulate', 'install', ...specs], { env: APT_ENV, become: false });
      upgradable = parseSimulatedInstalls(simulated.stdout);
    }
    const plan = planPackages(specs, params.state, installed, upgradable);
    if (plan.install.length === 0 && plan.remove.length === 0) {
      return { status: 'ok', reason: `${specs.join(', ')} ${params.state === 'absent' ? 'absent' : 'installed'}`, result: cache };
    }
    const description = [
      plan.install.length ? `install ${plan.install.join(' ')}` : '',
      plan.remove.length ? `${params.purge ? 'purge' : 'remove'} ${plan.remove.join(' ')}` : '',
    ].filter(Boolean).join(', ');
    return { status: 'change', description, state: { plan, updateCache: false, cache } };
  },

  async apply(ctx, params, { plan, updateCache, cache }) {
    if (updateCache) {
      await aptGet(ctx, params, ['update']);
      return { changed: true, result: cache };
    }
    const output: ExecResult[] = [];
    if (plan.install.length) output.push(await aptGet(ctx, params, installArgs(params, plan.install)));
    if (plan.remove.length) output.push(await aptGet(ctx, params, [params.purge ? 'purge' : 'remove', ...plan.remove]));
    return {
      changed: true,
      result: {
        installed: plan.install,
        removed: plan.remove,
        stdout: output.map((result) => result.stdout).join(''),
        stderr: output.map((result) => result.stderr).join(''),
        ...cache,
      },
    };
  },
});
