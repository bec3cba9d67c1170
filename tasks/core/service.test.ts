import { describe, expect, it } from 'vitest';
import { parseServiceFacts, planService, serviceResult, stateCommand, sysvRunning, systemdFacts } from './lib/service-plan.ts';
import { serviceParams } from './service.ts';

// The facts script's output on a lab host (no systemd; PID 1 is the container's init) and on a systemd machine.
const SYSV = [
  'bin systemctl /usr/bin/systemctl',
  'bin service /usr/sbin/service',
  'bin update-rc.d /usr/sbin/update-rc.d',
  'pid1 tini',
  'initscript /etc/init.d/pgdemo',
  '',
].join('\n');
const SYSV_ENABLED = `${SYSV}slink /etc/rc2.d/S01pgdemo\nslink /etc/rc3.d/S01pgdemo\nklink /etc/rc0.d/K01pgdemo\n`;
const SYSV_DISABLED = `${SYSV}klink /etc/rc0.d/K01pgdemo\nklink /etc/rc2.d/K01pgdemo\n`;
const SYSTEMD = 'bin systemctl /usr/bin/systemctl\nbin service /usr/sbin/service\nbin update-rc.d \ncanary /run/systemd/system/\npid1 systemd\n';

describe('service facts', () => {
  it('tells systemd from SysV as Ansible does: systemctl alone is not enough', () => {
    expect(parseServiceFacts(SYSV)).toEqual({
      manager: 'sysv',
      systemctl: '/usr/bin/systemctl',
      service: '/usr/sbin/service',
      updateRcD: '/usr/sbin/update-rc.d',
      initScript: '/etc/init.d/pgdemo',
      sLinks: [],
      kLinks: [],
    });
    expect(parseServiceFacts(SYSTEMD)).toMatchObject({ manager: 'systemd', updateRcD: undefined });
    expect(parseServiceFacts('bin systemctl /bin/systemctl\npid1 systemd\n').manager).toBe('systemd');
    expect(parseServiceFacts('bin systemctl \npid1 systemd\n').manager).toBe('sysv');
    expect(parseServiceFacts(SYSV_ENABLED).sLinks).toEqual(['/etc/rc2.d/S01pgdemo', '/etc/rc3.d/S01pgdemo']);
  });

  it.each([
    { code: 0, stdout: '', running: true },
    { code: 3, stdout: 'pgdemo is running', running: false },
    { code: 0, stdout: 'pgdemo is not running\n', running: false },
    { code: 0, stdout: ' * pgdemo is running\n', running: true },
    { code: 0, stdout: 'stopped\n', running: false },
    { code: 5, stdout: 'started\n', running: true },
    { code: 5, stdout: 'could not access PID file\n', running: false },
    { code: 5, stdout: 'line one\nline two\nline three\n', running: null },
    { code: 127, stdout: '', running: null },
  ])('status exit $code with $stdout: running $running', ({ code, stdout, running }) => {
    expect(sysvRunning('pgdemo', code, stdout)).toBe(running);
  });

  it('reads systemctl show', () => {
    const facts = systemdFacts('Id=cron.service\nLoadState=loaded\nActiveState=active\nUnitFileState=enabled\nExecStart={ path=/usr/sbin/cron ; argv[]=/usr/sbin/cron -f }\n');
    expect(facts).toMatchObject({ found: true, running: true, enabled: true });
    expect(facts.status.ExecStart).toBe('{ path=/usr/sbin/cron ; argv[]=/usr/sbin/cron -f }');
    expect(systemdFacts('LoadState=not-found\nActiveState=inactive\n').found).toBe(false);
  });
});

describe('planService', () => {
  const sysv = parseServiceFacts(SYSV);
  const params = (input: Record<string, unknown>) => serviceParams.parse({ name: 'pgdemo', ...input });

  it.each([
    { input: { state: 'started' }, running: false, steps: [{ kind: 'state', action: 'start' }] },
    { input: { state: 'started' }, running: true, steps: [] },
    { input: { state: 'stopped' }, running: true, steps: [{ kind: 'state', action: 'stop' }] },
    { input: { state: 'stopped' }, running: false, steps: [] },
    { input: { state: 'restarted' }, running: true, steps: [{ kind: 'state', action: 'restart' }] },
    { input: { state: 'reloaded' }, running: true, steps: [{ kind: 'state', action: 'reload' }] },
    { input: { state: 'reloaded' }, running: false, steps: [{ kind: 'state', action: 'start' }] },
  ])('$input when running is $running', ({ input, running, steps }) => {
    expect(planService(params(input), sysv, running, false).steps).toEqual(steps);
  });

  it('enables with update-rc.d: defaults first for a script never installed, then enable', () => {
    expect(planService(params({ enabled: true }), sysv, null, false).steps).toEqual([
      { kind: 'enable', commands: [['/usr/sbin/update-rc.d', 'pgdemo', 'defaults'], ['/usr/sbin/update-rc.d', 'pgdemo', 'enable']] },
    ]);
    const disabled = parseServiceFacts(SYSV_DISABLED);
    expect(planService(params({ enabled: true }), disabled, null, false).steps).toEqual([{ kind: 'enable', commands: [['/usr/sbin/update-rc.d', 'pgdemo', 'enable']] }]);
    expect(planService(params({ enabled: false }), parseServiceFacts(SYSV_ENABLED), null, true).steps).toEqual([{ kind: 'enable', commands: [['/usr/sbin/update-rc.d', 'pgdemo', 'disable']] }]);
    expect(planService(params({ enabled: true, state: 'started' }), sysv, true, true)).toEqual({ steps: [], description: 'pgdemo running, enabled' });
  });

  it('fails an undecided status as Ansible does', () => {
    expect(() => planService(params({ state: 'started' }), sysv, null, false)).toThrow(/possible typo of service name/);
  });

  it('runs the service command, the init script without one, systemctl under systemd', () => {
    expect(stateCommand(sysv, 'pgdemo', 'start', ['--fast'])).toEqual(['/usr/sbin/service', 'pgdemo', 'start', '--fast']);
    expect(stateCommand({ ...sysv, service: undefined }, 'pgdemo', 'status', [])).toEqual(['/etc/init.d/pgdemo', 'status']);
    expect(stateCommand(parseServiceFacts(SYSTEMD), 'cron', 'reload', [])).toEqual(['/usr/bin/systemctl', 'reload', '--', 'cron']);
    expect(planService(params({ enabled: true }), parseServiceFacts(SYSTEMD), null, false).steps).toEqual([{ kind: 'enable', commands: [['/usr/bin/systemctl', 'enable', '--', 'pgdemo']] }]);
  });

  it('registers name, state as started/stopped, and enabled when asked', () => {
    expect(serviceResult(params({ state: 'restarted', enabled: true }), undefined)).toEqual({ name: 'pgdemo', state: 'started', enabled: true });
    expect(serviceResult(params({ state: 'stopped' }), undefined)).toEqual({ name: 'pgdemo', state: 'stopped' });
  });

  it('needs state or enabled', () => {
    expect(serviceParams.safeParse({ name: 'pgdemo' }).success).toBe(false);
  });
});
