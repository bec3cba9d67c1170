// The service module's pure part: reading the host's init system from one script's output,
// deciding "running" from a SysV status command as Ansible's LinuxService.get_service_status
// does, and planning the commands (ansible/modules/service.py, ansible-core 2.14).
import { TaskError } from '../../../src/errors.ts';

/** Prints the tools, systemd's boot canaries, PID 1's name, the init script and its rc links. */
export const SERVICE_FACTS_SCRIPT = [
  'n="$1"; PATH="$PATH:/sbin:/usr/sbin:/bin:/usr/bin"',
  'for b in systemctl service update-rc.d; do echo "bin $b $(command -v "$b" 2>/dev/null || true)"; done',
  'for c in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do if [ -e "$c" ]; then echo "canary $c"; fi; done',
  'echo "pid1 $(cat /proc/1/comm 2>/dev/null || true)"',
  'if [ -f "/etc/init.d/$n" ]; then echo "initscript /etc/init.d/$n"; fi',
  'for f in /etc/rc?.d/S??"$n"; do if [ -e "$f" ] || [ -L "$f" ]; then echo "slink $f"; fi; done',
  'for f in /etc/rc?.d/K??"$n"; do if [ -e "$f" ] || [ -L "$f" ]; then echo "klink $f"; fi; done',
].join('\n');

export interface ServiceFacts {
  manager: 'systemd' | 'sysv';
  systemctl?: string;
  service?: string;
  updateRcD?: string;
  initScript?: string;
  sLinks: string[];
  kLinks: string[];
}

export function parseServiceFacts(output: string): ServiceFacts {
  const bins = new Map<string, string>();
  const facts: ServiceFacts = { manager: 'sysv', sLinks: [], kLinks: [] };
  let canary = false;
  let pid1 = '';
  for (const line of output.split('\n')) {
    const [kind = '', ...rest] = line.split(' ');
    const value = rest.join(' ').trim();
    if (kind === 'bin') {
      const [tool = '', ...where] = rest;
      if (where.join(' ').trim() !== '') bins.set(tool, where.join(' ').trim());
    }
    if (kind === 'canary') canary = true;
    else if (kind === 'pid1') pid1 = value;
    else if (kind === 'initscript') facts.initScript = value;
    else if (kind === 'slink') facts.sLinks.push(value);
    else if (kind === 'klink') facts.kLinks.push(value);
  }
  facts.systemctl = bins.get('systemctl');
  facts.service = bins.get('service');
  facts.updateRcD = bins.get('update-rc.d');
  // Ansible's check_systemd: systemctl installed, and a boot canary or a PID 1 named systemd.
  if (facts.systemctl && (canary || pid1.includes('systemd'))) facts.manager = 'systemd';
  return facts;
}

/** What `systemctl show NAME` says: whether the unit exists, runs, starts on boot; all of it as `status`. */
export function systemdFacts(output: string): { found: boolean; running: boolean; enabled: boolean; status: Record<string, string> } {
  const status: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) status[line.slice(0, at)] = line.slice(at + 1);
  }
  return {
    found: status.LoadState !== 'not-found',
    // Ansible's systemd module: is_running_service is ActiveState active or activating.
    running: status.ActiveState === 'active' || status.ActiveState === 'activating',
    enabled: ['enabled', 'enabled-runtime', 'alias', 'static', 'indirect', 'generated'].includes(status.UnitFileState ?? ''),
    status,
  };
}

/**
 * LinuxService.get_service_status for SysV: LSB's non-zero codes mean stopped; else a one-line
 * output is read for keywords (the service's own name taken out); else exit 0 means running.
 * null: undecided, which Ansible fails as "possible typo of service name?".
 */
export function sysvRunning(name: string, code: number | null, stdout: string): boolean | null {
  if (code !== null && [1, 2, 3, 4, 69].includes(code)) return false;
  if ((stdout.match(/\n/g) ?? []).length <= 1) {
    const clean = stdout.toLowerCase().replaceAll(name.toLowerCase(), '');
    if (clean.includes('stop')) return false;
    if (clean.includes('run')) return !clean.includes('not ');
    if (clean.includes('start') && !clean.includes('not ')) return true;
    for (const dead of ['could not access pid file', 'is dead and pid file exists', 'dead but subsys locked', 'dead but pid file exists']) {
      if (clean.includes(dead)) return false;
    }
  }
  if (code === 0) return true;
  if (name === 'iptables' && stdout.includes('ACCEPT')) return true;
  return null;
}

export type ServiceAction = 'start' | 'stop' | 'restart' | 'reload' | 'status';

/** The command for an action: systemctl, the `service` command, or the init script itself. */
export function stateCommand(facts: ServiceFacts, name: string, action: ServiceAction, extra: string[]): string[] {
  if (facts.manager === 'systemd') return [facts.systemctl!, action, '--', name];
  if (facts.service) return [facts.service, name, action, ...extra];
  return [facts.initScript!, action, ...extra];
}

export type ServiceStep = { kind: 'enable'; commands: string[][] } | { kind: 'state'; action: Exclude<ServiceAction, 'status'> };

export interface ServicePlan {
  steps: ServiceStep[];
  description: string;
}

interface PlanParams {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
}

/** Pure planner: the wanted state and enablement, the facts in; the commands out. */
export function planService(params: PlanParams, facts: ServiceFacts, running: boolean | null, enabled: boolean): ServicePlan {
  const { name } = params;
  const steps: ServiceStep[] = [];
  const parts: string[] = [];
  if (params.enabled !== undefined && params.enabled !== enabled) {
    parts.push(`${params.enabled ? 'enable' : 'disable'} ${name}`);
    steps.push({ kind: 'enable', commands: enableCommands(facts, name, params.enabled) });
  }
  if (params.state !== undefined) {
    if (running === null) throw new TaskError('failed determining service state, possible typo of service name?');
    const action = stateAction(params.state, running);
    if (action) {
      steps.push({ kind: 'state', action });
      parts.push(`${action} ${name}`);
    }
  }
  const now = params.state === undefined ? '' : running ? 'running' : 'stopped';
  return { steps, description: parts.join(', ') || `${name} ${[now, params.enabled === undefined ? '' : enabled ? 'enabled' : 'disabled'].filter(Boolean).join(', ')}` };
}

/** Ansible's check_service_changed and modify_service_state. */
function stateAction(state: NonNullable<PlanParams['state']>, running: boolean): Exclude<ServiceAction, 'status'> | null {
  if (state === 'restarted') return 'restart';
  if (state === 'started') return running ? null : 'start';
  if (state === 'stopped') return running ? 'stop' : null;
  return running ? 'reload' : 'start';
}

function enableCommands(facts: ServiceFacts, name: string, enable: boolean): string[][] {
  if (facts.manager === 'systemd') return [[facts.systemctl!, enable ? 'enable' : 'disable', '--', name]];
  if (!facts.updateRcD) throw new TaskError(`cannot detect command to enable service ${name}, typo or init system potentially unknown`);
  // update-rc.d: a script never installed (no K links either) gets its links from `defaults` first.
  if (!enable) return [[facts.updateRcD, name, 'disable']];
  return [...(facts.kLinks.length === 0 ? [[facts.updateRcD, name, 'defaults']] : []), [facts.updateRcD, name, 'enable']];
}

/** Ansible's result: name, state as started/stopped, enabled when asked; systemd's status. */
export function serviceResult(params: PlanParams, status: Record<string, string> | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = { name: params.name };
  if (params.state !== undefined) result.state = params.state === 'stopped' ? 'stopped' : 'started';
  if (params.enabled !== undefined) result.enabled = params.enabled;
  if (status) result.status = status;
  return result;
}
