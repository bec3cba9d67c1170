import { describe, expect, it } from 'vitest';
import { conditionMet, describeWait, waitForParams } from './wait_for.ts';

const params = (input: Record<string, unknown>) => waitForParams.parse(input);

describe('conditionMet', () => {
  it.each([
    { state: 'started', observation: { open: true }, met: true },
    { state: 'started', observation: { open: false }, met: false },
    { state: 'stopped', observation: { open: false }, met: true },
    { state: 'present', observation: { exists: true, matched: false }, met: true },
    { state: 'absent', observation: { exists: true, matched: false }, met: false },
    { state: 'absent', observation: { exists: false, matched: false }, met: true },
  ] as const)('$state with $observation', ({ state, observation, met }) => {
    expect(conditionMet({ state }, observation)).toBe(met);
  });

  it('with search_regex, a file counts only once it matches', () => {
    expect(conditionMet({ state: 'present', search_regex: 'Ready' }, { exists: true, matched: false })).toBe(false);
    expect(conditionMet({ state: 'present', search_regex: 'Ready' }, { exists: true, matched: true })).toBe(true);
  });
});

describe('wait_for params', () => {
  it('defaults as Ansible does', () => {
    expect(params({ port: 7300 })).toMatchObject({ host: '127.0.0.1', state: 'started', timeout: 300, delay: 0, sleep: 1, connect_timeout: 5 });
  });

  it.each([
    [{}, 'exactly one of port or path'],
    [{ port: 1, path: '/x' }, 'exactly one of port or path'],
    [{ port: 1, search_regex: 'x' }, 'only supported with path'],
    [{ port: 70000 }, ''],
  ])('refuses %j', (input, message) => {
    const result = waitForParams.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join(' ')).toContain(message);
  });

  it('describes the wait and the satisfied condition', () => {
    expect(describeWait(params({ port: 7300 }))).toBe('port 127.0.0.1:7300 to be open');
    expect(describeWait(params({ port: 7300, state: 'stopped' }), true)).toBe('port 127.0.0.1:7300 is closed');
    expect(describeWait(params({ path: '/var/log/redis.log', search_regex: 'Ready' }))).toBe('/var/log/redis.log matching /Ready/ to exist');
    expect(describeWait(params({ path: '/run/redis.pid', state: 'absent' }), true)).toBe('/run/redis.pid is absent');
  });
});
