import { describe, expect, it } from 'vitest';
import { renderFileDiff } from '../../../src/report/diff.ts';
import { stripAnsi } from './collect.ts';

const plain = { color: false };

describe('renderFileDiff', () => {
  it('shows a changed file as a unified diff with before/after headers and context', () => {
    const out = renderFileDiff(
      { path: '/etc/sysctl.conf', before: 'a=1\nb=2\nc=3\n', after: 'a=1\nb=5\nc=3\nd=4\n' },
      plain,
    );
    expect(out.split('\n')).toEqual([
      '--- before: /etc/sysctl.conf',
      '+++ after: /etc/sysctl.conf',
      '@@ -1,3 +1,4 @@',
      ' a=1',
      '-b=2',
      '+b=5',
      ' c=3',
      '+d=4',
    ]);
  });

  it('shows a new file as all additions', () => {
    const out = renderFileDiff({ path: '/etc/redis/7300.conf', before: null, after: 'port 7300\ndaemonize yes\n' }, plain);
    expect(out.split('\n')).toEqual([
      '--- before: /etc/redis/7300.conf',
      '+++ after: /etc/redis/7300.conf',
      '@@ -0,0 +1,2 @@',
      '+port 7300',
      '+daemonize yes',
    ]);
  });

  it('shows a deleted file as all removals', () => {
    const out = renderFileDiff({ path: '/tmp/old.conf', before: 'x\ny\n', after: null }, plain);
    expect(out.split('\n').slice(2)).toEqual(['@@ -1,2 +0,0 @@', '-x', '-y']);
  });

  it('marks a missing final newline', () => {
    const out = renderFileDiff({ path: 'f', before: 'a\n', after: 'a\nb' }, plain);
    expect(out.split('\n').slice(-2)).toEqual(['+b', '\\ No newline at end of file']);
  });

  it('says a binary file changed in one line, without its contents', () => {
    expect(renderFileDiff({ path: '/usr/local/bin/redis-server', before: 'ELF…', after: 'ELF2…', binary: true }, plain)).toBe(
      'Binary file /usr/local/bin/redis-server changed (contents not shown)',
    );
    expect(renderFileDiff({ path: '/x.bin', before: null, after: 'z', binary: true }, plain)).toBe(
      'Binary file /x.bin created (contents not shown)',
    );
  });

  it('colors additions and removals only when asked', () => {
    const change = { path: 'f', before: 'a\n', after: 'b\n' };
    const colored = renderFileDiff(change, { color: true });
    expect(colored).toContain('\u001b[32m+b');
    expect(colored).toContain('\u001b[31m-a');
    expect(stripAnsi(colored)).toBe(renderFileDiff(change, plain));
    expect(renderFileDiff(change, plain)).not.toContain('\u001b');
  });
});
