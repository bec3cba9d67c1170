import { describe, expect, it } from 'vitest';
import { planReplace, replaceParams } from './replace.ts';

// The planner's semantics are proven against Ansible in test/unit/modules/file-edit-oracle.test.ts;
// here the params and the corners the corpus does not reach.

const params = (extra: Record<string, unknown>) => replaceParams.parse({ path: '/etc/x', ...extra });

describe('replace', () => {
  it('takes Ansible params and refuses patterns it cannot run', () => {
    expect(params({ regexp: 'a' })).toMatchObject({ path: '/etc/x', regexp: 'a', replace: '', backup: false, encoding: 'utf-8' });
    expect(replaceParams.safeParse({ path: '/x' }).success).toBe(false);
    const bad = replaceParams.safeParse({ path: '/x', regexp: 'a', after: '(?>x)' });
    expect(bad.error?.issues[0]?.message).toMatch(/atomic groups/);
  });

  it('registers rc 0 and the count, as Ansible', () => {
    const plan = planReplace(Buffer.from('a a\n'), params({ regexp: 'a', replace: 'b' }));
    expect(plan).toMatchObject({ msg: '2 replacements made', result: { rc: 0 } });
    expect(plan.content?.toString()).toBe('b b\n');
  });

  it('refuses a template naming a group the pattern lacks', () => {
    expect(replaceParams.safeParse({ path: '/x', regexp: '(a)', replace: '\\2' }).error?.issues[0]?.message).toMatch(/invalid group reference 2/);
  });

  it('fails on a file that is not UTF-8', () => {
    expect(() => planReplace(Buffer.from([0xff, 0x61]), params({ regexp: 'a' }))).toThrow(/not valid UTF-8/);
  });
});
