import { describe, expect, it } from 'vitest';
import { groupParams, groupResult, planGroup } from './group.ts';

const params = (input: Record<string, unknown>) => groupParams.parse(input);

describe('planGroup', () => {
  it.each([
    { input: { name: 'app' }, gid: null, argv: ['groupadd', 'app'] },
    { input: { name: 'app', gid: 1500, system: true }, gid: null, argv: ['groupadd', '-g', '1500', '-r', 'app'] },
    { input: { name: 'app', gid: 1500, non_unique: true }, gid: null, argv: ['groupadd', '-g', '1500', '-o', 'app'] },
    { input: { name: 'app', gid: 1501 }, gid: 1500, argv: ['groupmod', '-g', '1501', 'app'] },
    { input: { name: 'app', state: 'absent' }, gid: 1500, argv: ['groupdel', 'app'] },
  ])('$input with gid $gid runs $argv', ({ input, gid, argv }) => {
    const plan = planGroup(params(input), gid);
    expect(plan.ok ? [] : plan.argv).toEqual(argv);
  });

  it.each([
    { input: { name: 'app' }, gid: 1500 },
    { input: { name: 'app', gid: 1500 }, gid: 1500 },
    { input: { name: 'app', system: true }, gid: 1500 },
    { input: { name: 'app', state: 'absent' }, gid: null },
  ])('$input with gid $gid is ok', ({ input, gid }) => {
    expect(planGroup(params(input), gid).ok).toBe(true);
  });

  it('registers name and state, and system and gid when the group exists', () => {
    expect(groupResult(params({ name: 'app' }), 1500)).toEqual({ name: 'app', state: 'present', system: false, gid: 1500 });
    expect(groupResult(params({ name: 'app', state: 'absent' }), null)).toEqual({ name: 'app', state: 'absent' });
  });

  it('refuses what Ansible refuses', () => {
    expect(groupParams.safeParse({ name: 'app', non_unique: true }).success).toBe(false);
    expect(groupParams.safeParse({ name: 'app', gid: -1 }).success).toBe(false);
    expect(groupParams.safeParse({ name: 'a:b' }).success).toBe(false);
  });
});
