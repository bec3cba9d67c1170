import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { splitCommandLine } from '../../src/modules/command-line.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';
import { runChecked } from '../../src/modules/run-checked.ts';
import { abortableSleep } from '../../src/modules/wait.ts';
import { parseServiceFacts, planService, SERVICE_FACTS_SCRIPT, serviceResult, stateCommand, sysvRunning, systemdFacts, type ServiceFacts, type ServicePlan } from './lib/service-plan.ts';

// Ansible's service (ansible/modules/service.py, LinuxService): systemctl where systemd booted
// the host (its canaries /run/systemd/system & co, or PID 1 is systemd), else SysV: the `service`
// command (or the /etc/init.d script itself) for start/stop/restart/reload and status, whose exit
// code and output decide running as Ansible decides it, and update-rc.d for `enabled`.

export const serviceParams = z
  .strictObject({
    name: z.string().min(1).regex(/^[^/\s]+$/, 'expected a service name (no slashes or spaces)').describe('Name of the service'),
    state: z.enum(['started', 'stopped', 'restarted', 'reloaded']).optional().describe('started/stopped change it only when needed; restarted always bounces it; reloaded reloads (starts a stopped one)'),
    enabled: z.boolean().optional().describe('Whether the service starts on boot (systemctl enable/disable, or update-rc.d)'),
    sleep: z.number().int().min(0).optional().describe('Seconds to wait between the stop and the start of a SysV restart'),
    arguments: z.string().default('').describe('Extra arguments on the service command line (alias args)'),
    args: z.string().optional().describe('Alias of arguments'),
    pattern: z.string().optional().describe('Not supported by playgraph (Ansible looks the service up in ps); refused'),
    runlevel: z.string().default('default').describe('Accepted for Ansible compatibility (OpenRC only)'),
  })
  .refine((params) => params.state !== undefined || params.enabled !== undefined, { message: 'one of the following is required: state, enabled' })
  .refine((params) => params.pattern === undefined, { message: 'pattern is not supported: playgraph decides running from the status command' });

export type ServiceParams = z.infer<typeof serviceParams>;

interface ServiceState {
  facts: ServiceFacts;
  plan: ServicePlan;
}

function extraArguments(params: ServiceParams): string[] {
  return splitCommandLine(params.args ?? params.arguments);
}

async function readFacts(ctx: TaskContext, params: ServiceParams): Promise<{ facts: ServiceFacts; running: boolean | null; enabled: boolean; status?: Record<string, string> }> {
  const tools = await runChecked(ctx, ['sh', '-c', SERVICE_FACTS_SCRIPT, 'sh', params.name], { become: false });
  const facts = parseServiceFacts(tools.stdout);
  if (facts.manager === 'systemd') {
    const shown = await runChecked(ctx, [facts.systemctl!, 'show', '--no-pager', '--', params.name]);
    const systemd = systemdFacts(shown.stdout);
    if (!systemd.found) throw new TaskError(`Could not find the requested service ${params.name}: host`);
    return { facts, running: systemd.running, enabled: systemd.enabled, status: systemd.status };
  }
  if (!facts.initScript) throw new TaskError(`Could not find the requested service ${params.name}: host`);
  if (params.state === undefined) return { facts, running: null, enabled: facts.sLinks.length > 0 };
  const status = await ctx.conn.exec(stateCommand(facts, params.name, 'status', extraArguments(params)), { become: ctx.become, signal: ctx.signal });
  return { facts, running: sysvRunning(params.name, status.code, status.stdout), enabled: facts.sLinks.length > 0 };
}

async function mustRun(ctx: TaskContext, argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return ctx.conn.exec(argv, { become: ctx.become, signal: ctx.signal });
}

/** Ansible fails a service command with its stderr, or its stdout when stderr is empty. */
function failWith(result: { stdout: string; stderr: string }): never {
  throw new TaskError((result.stderr || result.stdout).trim() || 'service command failed');
}

export const taskModule = defineModule<ServiceParams, ServiceState>({
  name: 'core.service',
  summary: 'Start, stop, restart, reload or enable a service: systemctl under systemd, else service/init.d scripts and update-rc.d',
  params: serviceParams,

  async check(ctx, params) {
    const { facts, running, enabled, status } = await readFacts(ctx, params);
    const plan = planService(params, facts, running, enabled);
    const result = serviceResult(params, status);
    if (plan.steps.length === 0) return { status: 'ok', reason: plan.description, result };
    return { status: 'change', description: plan.description, state: { facts, plan } };
  },

  async apply(ctx, params, { facts, plan }) {
    const extra = extraArguments(params);
    for (const step of plan.steps) {
      if (step.kind === 'enable') {
        for (const argv of step.commands) {
          const result = await mustRun(ctx, argv);
          if (result.code !== 0) failWith(result);
        }
      } else if (step.action === 'restart' && facts.manager === 'sysv') {
        // Ansible's SysV restart: stop, sleep, start; fine when only the stop failed (not running).
        const stop = await mustRun(ctx, stateCommand(facts, params.name, 'stop', extra));
        if (params.sleep) await abortableSleep(params.sleep * 1000, ctx.signal);
        const start = await mustRun(ctx, stateCommand(facts, params.name, 'start', extra));
        if (start.code !== 0) failWith({ stdout: stop.stdout + start.stdout, stderr: stop.stderr + start.stderr });
      } else {
        const result = await mustRun(ctx, stateCommand(facts, params.name, step.action, extra));
        if (result.code !== 0 && !/Job is already running/.test(result.stderr)) failWith(result);
      }
    }
    return { changed: true, result: serviceResult(params, undefined) };
  },
});
