import { z } from 'zod';
import type { ExecResult } from '../../src/connect/connection.ts';
import { assertSucceeded, runChecked } from '../../src/modules/run-checked.ts';
import { abortableSleep } from '../../src/modules/wait.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';

// Debian/Ubuntu packages through apt. Facts come from dpkg-query; `latest` asks apt-get for a
// simulated install, which lists exactly what a real one would install or upgrade.

export const packageParams = z.strictObject({
  name: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .describe('Package name or list of names; name=version pins a version'),
  state: z.enum(['present', 'absent', 'latest']).default('present').describe('present installs if missing, latest also upgrades, absent removes'),
  update_cache: z.boolean().default(false).describe('Run apt-get update before installing (only when something is to be installed)'),
  purge: z.boolean().default(false).describe('With state: absent, also remove configuration files'),
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
async function aptGet(ctx: TaskContext, args: string[]): Promise<ExecResult> {
  const argv = ['apt-get', '-q', '-y', '-o', 'DPkg::Lock::Timeout=60', ...args];
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

export const taskModule = defineModule<PackageParams, PackagePlan>({
  name: 'core.package',
  summary: 'Install, upgrade or remove Debian/Ubuntu packages with apt',
  params: packageParams,

  async check(ctx, params) {
    const specs = packageList(params.name);
    const installed = await readInstalled(ctx, specs.map((spec) => splitSpec(spec).name));
    let upgradable: string[] = [];
    if (params.state === 'latest') {
      const simulated = await runChecked(ctx, ['apt-get', '-q', '--simulate', 'install', ...specs], { env: APT_ENV, become: false });
      upgradable = parseSimulatedInstalls(simulated.stdout);
    }
    const plan = planPackages(specs, params.state, installed, upgradable);
    if (plan.install.length === 0 && plan.remove.length === 0) {
      return { status: 'ok', reason: `${specs.join(', ')} ${params.state === 'absent' ? 'absent' : 'installed'}` };
    }
    const description = [
      plan.install.length ? `install ${plan.install.join(' ')}` : '',
      plan.remove.length ? `${params.purge ? 'purge' : 'remove'} ${plan.remove.join(' ')}` : '',
    ].filter(Boolean).join(', ');
    return { status: 'change', description, state: plan };
  },

  async apply(ctx, params, plan) {
    if (plan.install.length) {
      if (params.update_cache) await aptGet(ctx, ['update']);
      await aptGet(ctx, ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', 'install', ...plan.install]);
    }
    if (plan.remove.length) await aptGet(ctx, [params.purge ? 'purge' : 'remove', ...plan.remove]);
    return { changed: true, result: { installed: plan.install, removed: plan.remove } };
  },
});
