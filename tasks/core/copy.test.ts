import { describe, expect, it } from 'vitest';
import type { FileStat } from '../../src/connect/connection.ts';
import { fileChangeFor, isDiffableText, planContent, sha256, type DestinationFacts } from '../../src/modules/file-content.ts';
import { TaskError } from '../../src/errors.ts';
import { copyParams, destinationPath } from './copy.ts';

const text = Buffer.from('port 7300\n');
const stat = (mode = 0o644, uid = 0, gid = 0, type: FileStat['type'] = 'file'): FileStat => ({ type, mode, uid, gid, size: 10 });
const facts = (data: Buffer | null, fileStat: FileStat | null = data ? stat() : null): DestinationFacts => ({
  stat: fileStat,
  data,
  sha256: data ? sha256(data) : null,
});

describe('planContent', () => {
  it.each([
    { name: 'missing file', facts: facts(null), wanted: {}, force: true, write: true, description: 'create /etc/x.conf' },
    { name: 'same content', facts: facts(text), wanted: {}, force: true, write: false, description: '/etc/x.conf up to date' },
    { name: 'different content', facts: facts(Buffer.from('port 7301\n')), wanted: {}, force: true, write: true, description: 'update /etc/x.conf' },
    { name: 'different content, force false', facts: facts(Buffer.from('old')), wanted: {}, force: false, write: false, description: '/etc/x.conf up to date' },
    { name: 'same content, wrong mode', facts: facts(text, stat(0o600)), wanted: { mode: 0o644 }, force: true, write: false, description: 'mode 0600 -> 0644' },
    { name: 'new file with mode and owner', facts: facts(null), wanted: { mode: 0o640, owner: 'redis', uid: 999 }, force: true, write: true, description: 'create /etc/x.conf, mode 0640, owner -> redis' },
    { name: 'rewrite keeps right owner', facts: facts(Buffer.from('old'), stat(0o644, 999)), wanted: { owner: 'redis', uid: 999 }, force: true, write: true, description: 'update /etc/x.conf' },
    { name: 'sha256 only (large file) matching', facts: { stat: stat(), data: null, sha256: sha256(text) }, wanted: {}, force: true, write: false, description: '/etc/x.conf up to date' },
  ])('$name', ({ facts: destination, wanted, force, write, description }) => {
    const plan = planContent('/etc/x.conf', destination, text, wanted, force);
    expect(plan.write).toBe(write);
    expect(plan.description).toBe(description);
  });

  it('refuses to overwrite a directory', () => {
    expect(() => planContent('/etc', facts(null, stat(0o755, 0, 0, 'directory')), text, {}, true)).toThrow(TaskError);
  });
});

describe('fileChangeFor', () => {
  it('shows text before and after', () => {
    expect(fileChangeFor('/x', Buffer.from('a\n'), Buffer.from('b\n'))).toEqual({ path: '/x', before: 'a\n', after: 'b\n' });
    expect(fileChangeFor('/x', null, Buffer.from('b\n'))).toEqual({ path: '/x', before: null, after: 'b\n' });
  });

  it('marks binary content instead of showing it', () => {
    expect(fileChangeFor('/x', null, Buffer.from([0, 1, 2]))).toEqual({ path: '/x', before: null, after: null, binary: true });
    expect(isDiffableText(Buffer.from([0xc3, 0x28]))).toBe(false); // invalid UTF-8
    expect(isDiffableText(Buffer.from('한국어 가이드\n'))).toBe(true);
  });
});

describe('copy paths', () => {
  it.each([
    ['/etc/redis/', 'files/7300.conf', false, '/etc/redis/7300.conf'],
    ['/etc/redis', 'files/7300.conf', true, '/etc/redis/7300.conf'],
    ['/etc/redis/7300.conf', 'files/a.conf', false, '/etc/redis/7300.conf'],
    ['/etc/motd', undefined, false, '/etc/motd'],
  ])('dest %s with src %s (dir: %s) -> %s', (dest, src, isDir, expected) => {
    expect(destinationPath(dest, src, isDir)).toBe(expected);
  });

  it('needs exactly one of content and src', () => {
    expect(copyParams.safeParse({ dest: '/x', content: 'a', src: 'b' }).success).toBe(false);
    expect(copyParams.parse({ dest: '/x', content: '' }).force).toBe(true);
  });
});
