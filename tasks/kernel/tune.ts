// kernel.tune: the guide's section 4. Transparent huge pages off, vm.overcommit_memory=1,
// net.core.somaxconn, net.ipv4.tcp_keepalive_time, each set now and persisted (sysctl.conf, a
// systemd unit for THP, limits.conf nofile/nproc). A setting that cannot be written (not root,
// read-only /sys in a container, a sysctl a network namespace lacks) is reported by name with its
// reason; `strict` decides whether that fails the task or only warns.
import { normalizeSysctlValue, procSysPath } from '../core/sysctl.ts';
import { z } from 'zod';
import { CommandError, TaskError } from '../../src/errors.ts';
import { defineModule, type FileChange, type TaskContext } from '../../src/modules/module.ts';
import {
  THP_UNIT_LINK,
  THP_UNIT_PATH,
  editLimitsConf,
  editSysctlConf,
  limitEntries,
  parseThpMode,
  thpUnit,
} from './tune-files.ts';

export const tuneParams = z
  .object({
    thp: z.boolean().default(true).describe('Set transparent huge pages (enabled and defrag) to never'),
    overcommit_memory: z.number().int().min(0).max(2).default(1).describe('vm.overcommit_memory (1: fork for RDB/AOF never fails for lack of memory)'),
    somaxconn: z.number().int().positive().default(65535).describe('net.core.somaxconn: accept queue length'),
    tcp_keepalive_time: z.number().int().positive().default(7200).describe('net.ipv4.tcp_keepalive_time in seconds (the guide: 7200)'),
    limits_user: z.string().min(1).optional().describe('limits.conf domain for nofile/nproc (default: the connection user, who runs redis)'),
    nofile: z.number().int().positive().default(65536).describe('soft and hard open files limit'),
    nproc: z.number().int().positive().default(131072).describe('soft and hard process limit'),
    persist: z.boolean().default(true).describe('Persist across reboots (sysctl.conf, limits.conf, a systemd unit for THP)'),
    strict: z.boolean().default(true).describe('Fail when a setting cannot be written; false only warns'),
  })
  .strict();

export type TuneParams = z.infer<typeof tuneParams>;

export const THP_FILES = ['/sys/kernel/mm/transparent_hugepage/enabled', '/sys/kernel/mm/transparent_hugepage/defrag'];
const SYSCTL_CONF = '/etc/sysctl.conf';
const LIMITS_CONF = '/etc/security/limits.conf';

export interface RuntimeFact {
  /** `vm.overcommit_memory`, or the THP file path. */
  name: string;
  path: string;
  /** Raw file content; null when the file does not exist. */
  content: string | null;
  writable: boolean;
}

export interface TuneFacts {
  /** uid 0, or the task may become root. */
  root: boolean;
  user: string;
  runtime: RuntimeFact[];
  sysctlConf: string | null;
  limitsConf: string | null;
  thpUnit: string | null;
  thpLinked: boolean;
}

export interface SettingIssue {
  setting: string;
  reason: string;
}

export interface TunePlan {
  runtime: { name: string; path: string; from: string; to: string }[];
  files: FileChange[];
  linkThpUnit: boolean;
  issues: SettingIssue[];
}

/** The sysctls the guide sets, with their wanted values. */
export function wantedSysctls(params: TuneParams): Record<string, string> {
  return {
    'vm.overcommit_memory': String(params.overcommit_memory),
    'net.core.somaxconn': String(params.somaxconn),
    'net.ipv4.tcp_keepalive_time': String(params.tcp_keepalive_time),
  };
}

/** Facts in, plan out: what to write now, which files to change, what cannot be done and why. */
export function planTune(facts: TuneFacts, params: TuneParams): TunePlan {
  const plan: TunePlan = { runtime: [], files: [], linkThpUnit: false, issues: [] };
  const sysctls = wantedSysctls(params);
  const present: Record<string, string> = {};
  for (const fact of facts.runtime) {
    const isThp = fact.path.startsWith('/sys/');
    if (isThp && !params.thp) continue;
    const wanted = isThp ? 'never' : sysctls[fact.name];
    if (fact.content === null) {
      plan.issues.push({
        setting: fact.name,
        reason: isThp ? `${fact.path} does not exist (kernel without THP)` : `${fact.path} does not exist (sysctl absent, e.g. in this network namespace)`,
      });
      continue;
    }
    if (!isThp) present[fact.name] = wanted;
    const current = isThp ? parseThpMode(fact.content) ?? fact.content.trim() : normalizeSysctlValue(fact.content);
    if (current === wanted) continue;
    if (!fact.writable) {
      plan.issues.push({
        setting: fact.name,
        reason: facts.root ? `${fact.path} is read-only (e.g. /proc/sys or /sys mounted read-only in a container)` : 'not root (set become: true)',
      });
      continue;
    }
    plan.runtime.push({ name: fact.name, path: fact.path, from: current, to: wanted });
  }
  if (!params.persist) return plan;
  const files: FileChange[] = [
    { path: SYSCTL_CONF, before: facts.sysctlConf, after: editSysctlConf(facts.sysctlConf, present) },
    { path: LIMITS_CONF, before: facts.limitsConf, after: editLimitsConf(facts.limitsConf, limitEntries(params.limits_user ?? facts.user, params.nofile, params.nproc)) },
    ...(params.thp ? [{ path: THP_UNIT_PATH, before: facts.thpUnit, after: thpUnit(THP_FILES) }] : []),
  ].filter((f) => f.before !== f.after && !(f.path === SYSCTL_CONF && Object.keys(present).length === 0));
  const link = params.thp && !facts.thpLinked;
  if ((files.length > 0 || link) && !facts.root) {
    plan.issues.push({ setting: 'persistence', reason: `not root: cannot write ${[...files.map((f) => f.path), ...(link ? [THP_UNIT_LINK] : [])].join(', ')} (set become: true)` });
    return plan;
  }
  plan.files = files;
  plan.linkThpUnit = link;
  return plan;
}

export function describePlan(plan: TunePlan): string {
  return [
    ...plan.runtime.map((r) => `set ${r.name} ${r.from} -> ${r.to}`),
    ...plan.files.map((f) => `${f.before === null ? 'create' : 'update'} ${f.path}`),
    ...(plan.linkThpUnit ? [`enable ${THP_UNIT_PATH.split('/').pop()}`] : []),
  ].join('; ');
}

async function gatherFacts(ctx: TaskContext, params: TuneParams): Promise<TuneFacts> {
  const become = ctx.become;
  const uid = (await ctx.conn.exec(['id', '-u'])).stdout.trim();
  const user = (await ctx.conn.exec(['id', '-un'])).stdout.trim();
  const targets = [
    ...(params.thp ? THP_FILES.map((path) => ({ name: path.replace('/sys/kernel/mm/', ''), path })) : []),
    ...Object.keys(wantedSysctls(params)).map((name) => ({ name, path: procSysPath(name) })),
  ];
  const runtime: RuntimeFact[] = [];
  for (const target of targets) {
    const content = await ctx.conn.readFile(target.path);
    // test -w asks access(2), which also answers EROFS for a read-only mount.
    const writable = content !== null && (await ctx.conn.exec(['test', '-w', target.path], { become })).code === 0;
    runtime.push({ ...target, content: content?.toString('utf8') ?? null, writable });
  }
  const text = async (path: string) => (await ctx.conn.readFile(path, { become }))?.toString('utf8') ?? null;
  return {
    root: uid === '0' || become,
    user,
    runtime,
    sysctlConf: await text(SYSCTL_CONF),
    limitsConf: await text(LIMITS_CONF),
    thpUnit: await text(THP_UNIT_PATH),
    thpLinked: (await ctx.conn.stat(THP_UNIT_LINK))?.type === 'symlink',
  };
}

function report(ctx: TaskContext, issues: SettingIssue[], strict: boolean): void {
  if (issues.length === 0) return;
  const text = issues.map((i) => `${i.setting}: ${i.reason}`).join('; ');
  if (strict) throw new TaskError(`${ctx.host.name}: kernel settings cannot be written: ${text} (strict: false only warns)`);
  for (const issue of issues) ctx.log.warn(`${issue.setting} not set: ${issue.reason}`);
}

export const taskModule = defineModule<TuneParams, TunePlan>({
  name: 'kernel.tune',
  summary: "Kernel settings for Redis from the guide: THP off, overcommit, somaxconn, keepalive, limits",
  params: tuneParams,

  async check(ctx, params) {
    const plan = planTune(await gatherFacts(ctx, params), params);
    report(ctx, plan.issues, params.strict);
    const issues = plan.issues.map((i) => `${i.setting}: ${i.reason}`);
    if (plan.runtime.length === 0 && plan.files.length === 0 && !plan.linkThpUnit) {
      return { status: 'ok', reason: issues.length ? `nothing else to do; skipped ${issues.join('; ')}` : 'kernel settings already applied', result: { issues } };
    }
    return { status: 'change', description: describePlan(plan), files: plan.files, state: plan };
  },

  async apply(ctx, params, plan) {
    const become = ctx.become;
    const failed: SettingIssue[] = [...plan.issues];
    for (const setting of plan.runtime) {
      // tee, not writeFile: /proc and /sys files are written in place, never renamed over.
      const result = await ctx.conn.exec(['tee', setting.path], { stdin: `${setting.to}\n`, become, signal: ctx.signal });
      if (result.code !== 0) failed.push({ setting: setting.name, reason: result.stderr.trim() || `tee exit ${result.code}` });
      else ctx.log.info(`${setting.name} = ${setting.to}`);
    }
    for (const file of plan.files) {
      try {
        await ctx.conn.writeFile(file.path, file.after ?? '', { mode: 0o644, become });
      } catch (error) {
        failed.push({ setting: file.path, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    if (plan.linkThpUnit) {
      for (const command of [['mkdir', '-p', THP_UNIT_LINK.replace(/\/[^/]+$/, '')], ['ln', '-sfn', THP_UNIT_PATH, THP_UNIT_LINK]]) {
        const result = await ctx.conn.exec(command, { become });
        if (result.code !== 0) {
          failed.push({ setting: 'THP unit', reason: new CommandError(ctx.host.name, result.commandLine, result.code, result.stderr).message });
          break;
        }
      }
    }
    report(ctx, failed.filter((f) => !plan.issues.includes(f)), params.strict);
    return { changed: true, result: { issues: failed.map((i) => `${i.setting}: ${i.reason}`) } };
  },
});
