// redis.build: the guide's section 1 as a task. Fetch the source (see source.ts), `make`, install
// a compiler and `make distclean` + `make` again when there is none, `make install PREFIX=...`.
// With `build: once`, one host per platform compiles and the others receive its binaries.
import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { abortable } from '../../src/modules/wait.ts';
import { assertSucceeded, runChecked } from '../../src/modules/run-checked.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';
import type { ExecResult } from '../../src/connect/connection.ts';
import { quoteCommand } from '../../src/connect/quote.ts';
import { expectedSha256, fetchSource, firstLine, sourcePlaces, type FetchedSource } from './source.ts';
import {
  INSTALLED_BINARIES,
  PACKAGE_INSTALL_ENV,
  SERVER_SYMLINKS,
  buildLayout,
  isMissingToolchain,
  lastLine,
  makeJobs,
  parsePackageManager,
  parsePlatform,
  parseRedisServerVersion,
  planBuild,
  toolchainInstallCommands,
  type BuildLayout,
  type Platform,
} from './build-steps.ts';

const sourcePlaceSchema = z.union([
  z.object({ tarball: z.string().min(1).describe('Tarball on the controller (relative to the playbook), pushed to the host') }).strict(),
  z.object({ url: z.string().min(1).describe('URL the host downloads with curl or wget') }).strict(),
]);

export const buildParams = z
  .object({
    version: z.string().regex(/^\d+\.\d+\.\d+$/).default('7.0.15').describe('Redis release to build, e.g. 7.0.15 (Debian 12 ships it)'),
    sources: z.array(sourcePlaceSchema).optional().describe('Ordered places to get the source from; replaces tarball/urls and the defaults'),
    tarball: z.string().optional().describe('Source tarball on the controller, tried first (redis_source_tarball)'),
    urls: z.array(z.string()).optional().describe('URLs tried after the tarball (default: download.redis.io, then Debian pool)'),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).optional().describe("Expected sha256 of the tarball, checked on the host (default: the release's known digest, when playgraph knows it)"),
    prefix: z.string().default('/usr/local').describe('make install PREFIX; binaries land in PREFIX/bin'),
    build_dir: z.string().optional().describe('Where the source is unpacked and built (default PREFIX/src)'),
    make_jobs: z.number().int().positive().optional().describe('make -j jobs (default: the host CPU count)'),
    build: z.enum(['each', 'once']).default('each').describe('each: compile on every host; once: one host per platform compiles, others get its binaries'),
  })
  .strict();

export type BuildParams = z.infer<typeof buildParams>;

interface BuildState {
  layout: BuildLayout;
  installed: string | null;
}

interface SharedBuild {
  builder: string;
  binaries: Map<string, Buffer>;
}

export const taskModule = defineModule<BuildParams, BuildState>({
  name: 'redis.build',
  summary: 'Build Redis from source and install it under a prefix',
  params: buildParams,

  async check(ctx, params) {
    const layout = buildLayout(params.version, params.prefix, params.build_dir);
    const installed = await installedVersion(ctx, layout);
    const plan = planBuild(installed, params.version, layout);
    if (plan.status === 'ok') return { status: 'ok', reason: plan.reason, result: { version: installed, prefix: params.prefix } };
    return { status: 'change', description: plan.description, state: { layout, installed } };
  },

  async apply(ctx, params, state) {
    const { layout } = state;
    if (params.build === 'each') {
      const fetched = await buildFromSource(ctx, params, layout);
      return { changed: true, result: resultFields(params, fetched.used, fetched, ctx.host.name) };
    }
    const platform = await hostPlatform(ctx);
    const key = `redis.build/once/${params.version}/${platform.key}`;
    const existing = ctx.runState.get(key) as Promise<SharedBuild> | undefined;
    if (existing === undefined) {
      // Check-and-set with no await in between: the first node of this platform owns the build.
      const shared = (async (): Promise<SharedBuild & { fetched: FetchedSource }> => {
        const fetched = await buildFromSource(ctx, params, layout);
        return { builder: ctx.host.name, binaries: await readBinaries(ctx, layout), fetched };
      })();
      ctx.runState.set(key, shared);
      shared.catch(() => undefined); // waiters report the failure; keep Node from calling it unhandled
      ctx.log.info(`building once for ${platform.key} here`);
      const built = await shared;
      return { changed: true, result: resultFields(params, built.fetched.used, built.fetched, ctx.host.name) };
    }
    ctx.log.info(`waiting for the ${platform.key} build on another host`);
    let shared: SharedBuild;
    try {
      shared = await abortable(existing, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new TaskError(`the ${platform.key} build this host waits for failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    await installBinaries(ctx, layout, shared);
    ctx.log.info(`installed ${shared.builder}'s ${platform.key} binaries into ${params.prefix}/bin`);
    return { changed: true, result: { ...resultFields(params, `binaries from ${shared.builder}`, undefined, shared.builder) } };
  },
});

function resultFields(params: BuildParams, used: string, fetched: FetchedSource | undefined, builtOn: string): Record<string, unknown> {
  return {
    version: params.version,
    prefix: params.prefix,
    source: used,
    ...(fetched && { source_failures: fetched.failures }),
    built_on: builtOn,
  };
}

async function installedVersion(ctx: TaskContext, layout: BuildLayout): Promise<string | null> {
  const stat = await ctx.conn.stat(layout.server);
  if (stat === null) return null;
  const result = await ctx.conn.exec([layout.server, '--version'], { signal: ctx.signal });
  return result.code === 0 ? parseRedisServerVersion(result.stdout) : null;
}

async function hostPlatform(ctx: TaskContext): Promise<Platform> {
  const uname = await mustExec(ctx, ['uname', '-m']);
  // ldd prints its version on stdout for glibc and on stderr (exit 1) for musl.
  const ldd = await ctx.conn.exec({ shell: 'ldd --version 2>&1' });
  return parsePlatform(uname.stdout, ldd.stdout);
}

/** Fetch, unpack, make (with the guide's compiler fallback), make install. */
async function buildFromSource(ctx: TaskContext, params: BuildParams, layout: BuildLayout): Promise<FetchedSource> {
  const become = ctx.become;
  await mustExec(ctx, ['mkdir', '-p', layout.buildDir], { become });
  const places = sourcePlaces(params.version, params);
  const fetched = await fetchSource(ctx, places, layout.tarball, { sha256: expectedSha256(params.version, params.sha256), become });
  // A fresh tree each time: a half-built one from an earlier failed run is not trusted.
  await mustExec(ctx, ['rm', '-rf', layout.sourceDir], { become });
  await mustExec(ctx, ['mkdir', '-p', layout.sourceDir], { become });
  await mustExec(ctx, ['tar', '-xzf', layout.tarball, '-C', layout.sourceDir, '--strip-components=1'], { become });
  ctx.log.info(`building in ${layout.sourceDir}`);

  const jobs = makeJobs(params.make_jobs, (await ctx.conn.exec(['nproc'])).stdout);
  const make = ['make', `-j${jobs}`];
  const started = Date.now();
  let result = await run(ctx, make, layout.sourceDir);
  if (result.code !== 0 && isMissingToolchain(result)) {
    ctx.log.warn(`make could not run a compiler (${firstLine(result.stderr.split('\n').find((l) => /not found|Error 127/.test(l)) ?? result.stderr)}); installing one`);
    await installToolchain(ctx);
    ctx.log.info('make distclean: clearing what the failed make left, as the guide does');
    mustSucceed(ctx, await run(ctx, ['make', 'distclean'], layout.sourceDir));
    ctx.log.info(`${quoteCommand(make)} again, with the compiler installed`);
    result = await run(ctx, make, layout.sourceDir);
  }
  mustSucceed(ctx, result);
  ctx.log.info(`make: ${lastLine(result.stdout)} (${Math.round((Date.now() - started) / 1000)} s)`);
  const install = await run(ctx, ['make', 'install', `PREFIX=${params.prefix}`], layout.sourceDir);
  mustSucceed(ctx, install);
  ctx.log.info(`installed redis ${params.version} into ${params.prefix}/bin`);
  return fetched;
}

async function installToolchain(ctx: TaskContext): Promise<void> {
  const pm = parsePackageManager((await ctx.conn.exec({ shell: 'command -v apt-get dnf yum apk' })).stdout);
  if (pm === null) throw new TaskError(`${ctx.host.name}: no C compiler and no known package manager (apt-get, dnf, yum, apk) to install one`);
  let last: ExecResult | undefined;
  for (const command of toolchainInstallCommands(pm)) {
    ctx.log.info(`installing a compiler: ${quoteCommand(command)}`);
    last = await ctx.conn.exec(command, { become: true, env: PACKAGE_INSTALL_ENV, signal: ctx.signal });
    if (last.code === 0) return;
  }
  mustSucceed(ctx, last!);
}

function run(ctx: TaskContext, command: string[], cwd: string): Promise<ExecResult> {
  return ctx.conn.exec(command, { cwd, become: ctx.become, signal: ctx.signal });
}

function mustExec(ctx: TaskContext, command: string[], options: { become?: boolean } = {}): Promise<ExecResult> {
  return runChecked(ctx, command, { become: options.become ?? false });
}

function mustSucceed(ctx: TaskContext, result: ExecResult): void {
  assertSucceeded(ctx, result);
}

async function readBinaries(ctx: TaskContext, layout: BuildLayout): Promise<Map<string, Buffer>> {
  const binDir = layout.server.replace(/\/redis-server$/, '');
  const binaries = new Map<string, Buffer>();
  for (const name of INSTALLED_BINARIES) {
    const data = await ctx.conn.readFile(`${binDir}/${name}`, { become: ctx.become });
    if (data === null) throw new TaskError(`${ctx.host.name}: make install left no ${binDir}/${name}`);
    binaries.set(name, data);
  }
  return binaries;
}

async function installBinaries(ctx: TaskContext, layout: BuildLayout, shared: SharedBuild): Promise<void> {
  const binDir = layout.server.replace(/\/redis-server$/, '');
  await mustExec(ctx, ['mkdir', '-p', binDir], { become: ctx.become });
  for (const [name, data] of shared.binaries) {
    await ctx.conn.writeFile(`${binDir}/${name}`, data, { mode: 0o755, become: ctx.become });
  }
  for (const link of SERVER_SYMLINKS) {
    await mustExec(ctx, ['ln', '-sf', 'redis-server', `${binDir}/${link}`], { become: ctx.become });
  }
}
