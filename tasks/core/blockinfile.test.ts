import { describe, expect, it } from 'vitest';
import { blockinfileParams, planBlockinfile, splitLinesKeepEnds } from './blockinfile.ts';

// The planner's semantics are proven against Ansible in test/unit/modules/file-edit-oracle.test.ts;
// here the params and the corners the corpus does not reach.

const params = (extra: Record<string, unknown>) => blockinfileParams.parse({ path: '/etc/x', ...extra });

describe('blockinfile', () => {
  it('takes content as block, with Ansible defaults', () => {
    expect(params({ content: 'a' })).toMatchObject({ block: 'a', marker: '# {mark} ANSIBLE MANAGED BLOCK', marker_begin: 'BEGIN', marker_end: 'END', state: 'present' });
    expect(params({}).block).toBe('');
    expect(blockinfileParams.safeParse({ path: '/x', insertafter: 'a', insertbefore: 'b' }).success).toBe(false);
  });

  it('splits lines as bytes.splitlines does (\\n, \\r\\n, \\r)', () => {
    expect(splitLinesKeepEnds('a\r\nb\rc\nd')).toEqual(['a\r\n', 'b\r', 'c\n', 'd']);
  });

  it('replaces a block whose markers are in reverse order', () => {
    const data = Buffer.from('# END ANSIBLE MANAGED BLOCK\nx\n# BEGIN ANSIBLE MANAGED BLOCK\ny\n');
    const plan = planBlockinfile(data, params({ block: 'new' }));
    expect(plan.content?.toString()).toBe('# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\ny\n');
    expect(plan.msg).toBe('Block inserted');
  });

  it('says a missing file is not there for state=absent with create', () => {
    expect(planBlockinfile(null, params({ state: 'absent', create: true }))).toMatchObject({ content: null, msg: 'File /etc/x not present', final: true });
  });
});
