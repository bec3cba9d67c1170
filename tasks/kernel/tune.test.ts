import { describe, expect, it } from 'vitest';
import { procSysPath as sysctlPath } from '../core/sysctl.ts';
import { editLimitsConf, editSysctlConf, limitEntries, parseThpMode, thpUnit, THP_UNIT_PATH } from './tune-files.ts';
import { describePlan, planTune, tuneParams, type TuneFacts } from './tune.ts';

const params = tuneParams.parse({});
const SYSCTL_TAIL = 'vm.overcommit_memory = 1\nnet.core.somaxconn = 65535\nnet.ipv4.tcp_keepalive_time = 7200\n';
const LIMITS_TAIL = '# Redis (playgraph kernel.tune)\nredis soft nofile 65536\nredis hard nofile 65536\nredis soft nproc 131072\nredis hard nproc 131072\n';

function facts(overrides: Partial<TuneFacts> = {}, values: Record<string, string | null> = {}, writable = true): TuneFacts {
  const current: Record<string, string | null> = {
    'transparent_hugepage/enabled': 'always [madvise] never\n',
    'transparent_hugepage/defrag': 'always defer defer+madvise [madvise] never\n',
    'vm.overcommit_memory': '0\n',
    'net.core.somaxconn': '4096\n',
    'net.ipv4.tcp_keepalive_time': '7200\n',
    ...values,
  };
  return {
    root: true,
    user: 'redis',
    runtime: Object.entries(current).map(([name, content]) => ({
      name,
      path: name.includes('/') ? `/sys/kernel/mm/${name}` : sysctlPath(name),
      content,
      writable: content !== null && writable,
    })),
    sysctlConf: '# /etc/sysctl.conf - Configuration file\n#kernel.domainname = example.com\n',
    limitsConf: '# /etc/security/limits.conf\n#*               soft    core            0\n',
    thpUnit: null,
    thpLinked: false,
    ...overrides,
  };
}

describe('facts', () => {
  it('reads the active THP mode from its brackets', () => {
    expect(parseThpMode('always madvise [never]\n')).toBe('never');
    expect(parseThpMode('always [madvise] never\n')).toBe('madvise');
    expect(parseThpMode('[always] defer defer+madvise madvise never')).toBe('always');
    expect(parseThpMode('')).toBeNull();
  });
  it('maps sysctl keys to /proc/sys', () => {
    expect(sysctlPath('net.ipv4.tcp_keepalive_time')).toBe('/proc/sys/net/ipv4/tcp_keepalive_time');
  });
});

describe('planTune', () => {
  it('sets what differs now and persists every setting', () => {
    const plan = planTune(facts(), params);
    expect(plan.runtime).toEqual([
      { name: 'transparent_hugepage/enabled', path: '/sys/kernel/mm/transparent_hugepage/enabled', from: 'madvise', to: 'never' },
      { name: 'transparent_hugepage/defrag', path: '/sys/kernel/mm/transparent_hugepage/defrag', from: 'madvise', to: 'never' },
      { name: 'vm.overcommit_memory', path: '/proc/sys/vm/overcommit_memory', from: '0', to: '1' },
      { name: 'net.core.somaxconn', path: '/proc/sys/net/core/somaxconn', from: '4096', to: '65535' },
    ]);
    expect(plan.files.map((f) => f.path)).toEqual(['/etc/sysctl.conf', '/etc/security/limits.conf', THP_UNIT_PATH]);
    expect(plan.files[0].after).toBe(`# /etc/sysctl.conf - Configuration file\n#kernel.domainname = example.com\n${SYSCTL_TAIL}`);
    expect(plan.files[1].after).toContain(LIMITS_TAIL);
    expect(plan.linkThpUnit).toBe(true);
    expect(plan.issues).toEqual([]);
    expect(describePlan(plan)).toContain('set vm.overcommit_memory 0 -> 1; set net.core.somaxconn 4096 -> 65535;');
  });

  it('plans nothing once everything is applied and persisted', () => {
    const done = facts(
      { sysctlConf: SYSCTL_TAIL, limitsConf: LIMITS_TAIL, thpUnit: thpUnit(['/sys/kernel/mm/transparent_hugepage/enabled', '/sys/kernel/mm/transparent_hugepage/defrag']), thpLinked: true },
      { 'transparent_hugepage/enabled': 'always madvise [never]\n', 'transparent_hugepage/defrag': 'always defer defer+madvise madvise [never]\n', 'vm.overcommit_memory': '1\n', 'net.core.somaxconn': '65535\n' },
    );
    expect(planTune(done, params)).toEqual({ runtime: [], files: [], linkThpUnit: false, issues: [] });
  });

  it('reports a read-only /sys and /proc/sys per setting', () => {
    const plan = planTune(facts({}, {}, false), params);
    expect(plan.runtime).toEqual([]);
    expect(plan.issues.map((i) => i.setting)).toEqual(['transparent_hugepage/enabled', 'transparent_hugepage/defrag', 'vm.overcommit_memory', 'net.core.somaxconn']);
    expect(plan.issues[0].reason).toBe('/sys/kernel/mm/transparent_hugepage/enabled is read-only (e.g. /proc/sys or /sys mounted read-only in a container)');
  });

  it('reports a sysctl absent in a network namespace and leaves it out of sysctl.conf', () => {
    const plan = planTune(facts({}, { 'net.ipv4.tcp_keepalive_time': null }), params);
    expect(plan.issues).toEqual([
      { setting: 'net.ipv4.tcp_keepalive_time', reason: '/proc/sys/net/ipv4/tcp_keepalive_time does not exist (sysctl absent, e.g. in this network namespace)' },
    ]);
    expect(plan.files[0].after).not.toContain('tcp_keepalive_time');
  });

  it('reports not root for every change it cannot make', () => {
    const plan = planTune(facts({ root: false }, {}, false), params);
    expect(plan.issues.find((i) => i.setting === 'vm.overcommit_memory')?.reason).toBe('not root (set become: true)');
    expect(plan.issues.at(-1)).toEqual({
      setting: 'persistence',
      reason: `not root: cannot write /etc/sysctl.conf, /etc/security/limits.conf, ${THP_UNIT_PATH}, /etc/systemd/system/multi-user.target.wants/disable-transparent-hugepages.service (set become: true)`,
    });
    expect(plan.files).toEqual([]);
  });

  it('uses the keepalive value and limits user given', () => {
    const plan = planTune(facts(), tuneParams.parse({ tcp_keepalive_time: 300, limits_user: 'ubuntu', thp: false, persist: true }));
    expect(plan.runtime.find((r) => r.name === 'net.ipv4.tcp_keepalive_time')).toEqual({ name: 'net.ipv4.tcp_keepalive_time', path: '/proc/sys/net/ipv4/tcp_keepalive_time', from: '7200', to: '300' });
    expect(plan.runtime.some((r) => r.name.startsWith('transparent'))).toBe(false);
    expect(plan.files[1].after).toContain('ubuntu hard nproc 131072');
    expect(plan.linkThpUnit).toBe(false);
  });
});

describe('editSysctlConf', () => {
  it("follows core.sysctl's rule: the first line rewritten in place, later duplicates dropped", () => {
    const text = 'vm.overcommit_memory=0\n# keep\nvm.overcommit_memory = 2\nnet.core.somaxconn=65535\n';
    expect(editSysctlConf(text, { 'vm.overcommit_memory': '1', 'net.core.somaxconn': '65535' })).toBe(
      'vm.overcommit_memory = 1\n# keep\nnet.core.somaxconn=65535\n',
    );
  });
  it('is unchanged when it already says so, and creates a missing file', () => {
    const text = 'net.core.somaxconn = 65535\n';
    expect(editSysctlConf(text, { 'net.core.somaxconn': '65535' })).toBe(text);
    expect(editSysctlConf(null, { 'net.core.somaxconn': '65535' })).toBe('net.core.somaxconn = 65535\n');
  });
});

describe('editLimitsConf', () => {
  it("writes the guide's four lines once, fixing a wrong value and dropping duplicates", () => {
    const text = '#redis soft nofile 1024\nredis soft nofile 1024\nredis   hard    nofile  65536\nredis soft nofile 4096\n';
    expect(editLimitsConf(text, limitEntries('redis', 65536, 131072))).toBe(
      '#redis soft nofile 1024\nredis soft nofile 65536\nredis   hard    nofile  65536\n# Redis (playgraph kernel.tune)\nredis soft nproc 131072\nredis hard nproc 131072\n',
    );
  });
});

describe('thpUnit', () => {
  it('writes never into both THP files at boot', () => {
    expect(thpUnit(['/a', '/b'])).toContain("ExecStart=/bin/sh -c 'echo never > /a && echo never > /b'");
    expect(thpUnit(['/a'])).toContain('WantedBy=multi-user.target');
  });
});
