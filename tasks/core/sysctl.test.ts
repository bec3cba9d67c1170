import { describe, expect, it } from 'vitest';
import { editSysctlConf, normalizeSysctlValue, planSysctl, procSysPath, sysctlParams } from './sysctl.ts';

const params = (input: Record<string, unknown>) => sysctlParams.parse(input);

describe('sysctl facts', () => {
  it('maps a key to /proc/sys', () => {
    expect(procSysPath('net.core.somaxconn')).toBe('/proc/sys/net/core/somaxconn');
  });

  it.each([
    ['4096\n', '4096'],
    ['4096\t16384\t4194304\n', '4096 16384 4194304'],
    [1, '1'],
    [true, '1'],
  ])('normalizes %j to %j', (raw, value) => {
    expect(normalizeSysctlValue(raw)).toBe(value);
  });
});

describe('editSysctlConf', () => {
  const conf = '# kernel tuning\nvm.swappiness=10\nnet.core.somaxconn = 128\n';
  it.each([
    { name: 'appends a new key', text: conf, key: 'vm.overcommit_memory', value: '1', after: `${conf}vm.overcommit_memory = 1\n` },
    { name: 'replaces a value in place', text: conf, key: 'net.core.somaxconn', value: '65535', after: '# kernel tuning\nvm.swappiness=10\nnet.core.somaxconn = 65535\n' },
    { name: 'keeps a right line as written', text: conf, key: 'vm.swappiness', value: '10', after: conf },
    { name: 'drops later duplicates', text: 'a.b = 1\nx = 2\na.b = 3\n', key: 'a.b', value: '5', after: 'a.b = 5\nx = 2\n' },
    { name: 'matches slash spelling', text: 'net/core/somaxconn=128\n', key: 'net.core.somaxconn', value: '1024', after: 'net.core.somaxconn = 1024\n' },
    { name: 'ignores commented lines', text: '# net.core.somaxconn = 1\n; net.core.somaxconn = 2\n', key: 'net.core.somaxconn', value: '3', after: '# net.core.somaxconn = 1\n; net.core.somaxconn = 2\nnet.core.somaxconn = 3\n' },
    { name: 'creates a missing file', text: null, key: 'vm.overcommit_memory', value: '1', after: 'vm.overcommit_memory = 1\n' },
    { name: 'removes for absent', text: conf, key: 'vm.swappiness', value: null, after: '# kernel tuning\nnet.core.somaxconn = 128\n' },
    { name: 'adds the missing final newline', text: 'a = 1', key: 'b', value: '2', after: 'a = 1\nb = 2\n' },
  ])('$name', ({ text, key, value, after }) => {
    expect(editSysctlConf(text, key, value)).toBe(after);
  });
});

describe('planSysctl', () => {
  it.each([
    {
      name: 'both right',
      input: { name: 'vm.overcommit_memory', value: 1 },
      facts: { runtime: '1', fileText: 'vm.overcommit_memory = 1\n' },
      setRuntime: undefined,
      file: false,
      descriptions: [],
    },
    {
      name: 'runtime and file wrong',
      input: { name: 'vm.overcommit_memory', value: '1' },
      facts: { runtime: '0', fileText: '' },
      setRuntime: '1',
      file: true,
      descriptions: ['set vm.overcommit_memory 0 -> 1', 'persist vm.overcommit_memory in /etc/sysctl.conf'],
    },
    {
      name: 'runtime not wanted',
      input: { name: 'net.core.somaxconn', value: 65535, sysctl_set: false, sysctl_file: '/etc/sysctl.d/99-redis.conf' },
      facts: { runtime: null, fileText: null },
      setRuntime: undefined,
      file: true,
      descriptions: ['persist net.core.somaxconn in /etc/sysctl.d/99-redis.conf'],
    },
    {
      name: 'absent and not in the file',
      input: { name: 'vm.swappiness', state: 'absent' },
      facts: { runtime: null, fileText: 'a = 1\n' },
      setRuntime: undefined,
      file: false,
      descriptions: [],
    },
    {
      name: 'absent and in the file',
      input: { name: 'vm.swappiness', state: 'absent' },
      facts: { runtime: null, fileText: 'vm.swappiness = 1\n' },
      setRuntime: undefined,
      file: true,
      descriptions: ['remove vm.swappiness in /etc/sysctl.conf'],
    },
  ])('$name', ({ input, facts, setRuntime, file, descriptions }) => {
    const plan = planSysctl(params(input), facts);
    expect(plan.setRuntime).toBe(setRuntime);
    expect(plan.file !== undefined).toBe(file);
    expect(plan.descriptions).toEqual(descriptions);
  });

  it('needs a value unless absent', () => {
    expect(sysctlParams.safeParse({ name: 'vm.swappiness' }).success).toBe(false);
    expect(sysctlParams.safeParse({ name: 'vm swappiness', value: 1 }).success).toBe(false);
  });
});
