import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { fileChangeFor } from '../../src/modules/file-content.ts';
import { defineModule, type FileChange } from '../../src/modules/module.ts';
import { runChecked } from '../../src/modules/run-checked.ts';

export const sysctlParams = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a dotted key such as vm.overcommit_memory').describe('Kernel parameter, dotted: net.core.somaxconn'),
  value: z.union([z.string(), z.number(), z.boolean()]).optional().describe('Value to set (required for state: present)'),
  state: z.enum(['present', 'absent']).default('present').describe('present sets the value; absent removes it from sysctl_file'),
  sysctl_file: z.string().default('/etc/sysctl.conf').describe('File the setting is persisted in'),
  sysctl_set: z.boolean().default(true).describe('Also set the running kernel value (sysctl -w)'),
}).refine((params) => params.state === 'absent' || params.value !== undefined, {
  message: 'value is required for state: present',
  path: ['value'],
});

export type SysctlParams = z.infer<typeof sysctlParams>;

/** /proc/sys path of a dotted key: net.core.somaxconn -> /proc/sys/net/core/somaxconn. */
export function procSysPath(name: string): string {
  return `/proc/sys/${name.replace(/\./g, '/')}`;
}

/** Values compare by words: the kernel separates multi-value keys with tabs, users with spaces. */
export function normalizeSysctlValue(value: string | number | boolean): string {
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return text.trim().split(/\s+/).join(' ');
}

const SETTING_LINE = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/;

function settingKey(line: string): { key: string; value: string } | null {
  const match = SETTING_LINE.exec(line);
  // sysctl.conf also accepts slashes as separators (net/core/somaxconn).
  return match ? { key: match[1].replace(/\//g, '.'), value: match[2] } : null;
}

/**
 * The new text of a sysctl.conf: the first `name = value` line replaced (or appended), later
 * duplicates removed (the last one would win on reload); for absent, every line for name removed.
 */
export function editSysctlConf(text: string | null, name: string, value: string | null): string {
  const lines = text === null || text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let written = false;
  for (const line of lines) {
    const setting = settingKey(line);
    if (!setting || setting.key !== name) {
      out.push(line);
    } else if (value !== null && !written) {
      out.push(normalizeSysctlValue(setting.value) === value ? line : `${name} = ${value}`);
      written = true;
    }
  }
  if (value !== null && !written) out.push(`${name} = ${value}`);
  return out.length ? `${out.join('\n')}\n` : '';
}

export interface SysctlFacts {
  /** The running value, normalized; null when not read (sysctl_set false or state absent). */
  runtime: string | null;
  fileText: string | null;
}

export interface SysctlPlan {
  setRuntime?: string;
  file?: { before: string | null; after: string };
  descriptions: string[];
}

/** Pure planner: running value and file text in, what to set and write out. */
export function planSysctl(params: SysctlParams, facts: SysctlFacts): SysctlPlan {
  const wanted = params.state === 'present' ? normalizeSysctlValue(params.value!) : null;
  const plan: SysctlPlan = { descriptions: [] };
  if (wanted !== null && params.sysctl_set && facts.runtime !== wanted) {
    plan.setRuntime = wanted;
    plan.descriptions.push(`set ${params.name} ${facts.runtime ?? '?'} -> ${wanted}`);
  }
  const after = editSysctlConf(facts.fileText, params.name, wanted);
  if (after !== (facts.fileText ?? '') || (facts.fileText === null && wanted !== null)) {
    plan.file = { before: facts.fileText, after };
    plan.descriptions.push(`${wanted === null ? 'remove' : 'persist'} ${params.name} in ${params.sysctl_file}`);
  }
  return plan;
}

interface SysctlState {
  plan: SysctlPlan;
  fileMode?: number;
}

export const taskModule = defineModule<SysctlParams, SysctlState>({
  name: 'core.sysctl',
  summary: 'Set a kernel parameter at runtime and persist it in sysctl.conf',
  params: sysctlParams,

  async check(ctx, params) {
    let runtime: string | null = null;
    if (params.state === 'present' && params.sysctl_set) {
      const read = await ctx.conn.exec(['cat', '--', procSysPath(params.name)], { signal: ctx.signal });
      if (read.code !== 0) throw new TaskError(`${ctx.conn.hostName}: unknown kernel parameter ${params.name}`);
      runtime = normalizeSysctlValue(read.stdout);
    }
    const [fileData, fileStat] = await Promise.all([
      ctx.conn.readFile(params.sysctl_file, { become: ctx.become }),
      ctx.conn.stat(params.sysctl_file, { become: ctx.become }),
    ]);
    const plan = planSysctl(params, { runtime, fileText: fileData?.toString('utf8') ?? null });
    if (!plan.setRuntime && !plan.file) {
      return { status: 'ok', reason: `${params.name} already ${params.state === 'present' ? normalizeSysctlValue(params.value!) : 'absent'}` };
    }
    const files: FileChange[] = plan.file ? [fileChangeFor(params.sysctl_file, fileData, Buffer.from(plan.file.after))] : [];
    return { status: 'change', description: plan.descriptions.join(', '), files, state: { plan, fileMode: fileStat?.mode } };
  },

  async apply(ctx, params, { plan, fileMode }) {
    if (plan.file) {
      await ctx.conn.writeFile(params.sysctl_file, plan.file.after, { mode: fileMode ?? 0o644, become: ctx.become });
    }
    if (plan.setRuntime !== undefined) await runChecked(ctx, ['sysctl', '-w', `${params.name}=${plan.setRuntime}`]);
    return { changed: true, result: { name: params.name, value: plan.setRuntime ?? null } };
  },
});
