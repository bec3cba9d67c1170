import { describe, expect, it } from 'vitest';
import type { FileStat } from '../../../src/connect/connection.ts';
import {
  formatMode,
  parseGetentGroupId,
  parseGetentUserId,
  parseMode,
  planAttributes,
} from '../../../src/modules/file-attrs.ts';

const stat = (mode: number, uid = 0, gid = 0, type: FileStat['type'] = 'file'): FileStat => ({ type, mode, uid, gid, size: 1 });

describe('modes', () => {
  it.each([
    ['0644', 0o644],
    ['644', 0o644],
    ['1777', 0o1777],
    [0o755, 0o755],
    [420, 0o644],
  ])('parseMode(%j) = %o', (mode, bits) => {
    expect(parseMode(mode)).toBe(bits);
  });

  it('formats with a leading zero', () => {
    expect(formatMode(0o644)).toBe('0644');
    expect(formatMode(0o1777)).toBe('01777');
    expect(formatMode(0o7)).toBe('0007');
  });
});

describe('getent parsers', () => {
  it('reads ids', () => {
    expect(parseGetentUserId('redis:x:999:998:Redis:/var/lib/redis:/usr/sbin/nologin\n')).toBe(999);
    expect(parseGetentGroupId('adm:x:4:syslog,ubuntu\n')).toBe(4);
    expect(parseGetentGroupId('')).toBeNull();
    expect(parseGetentUserId('garbage')).toBeNull();
  });
});

describe('planAttributes', () => {
  it.each([
    { name: 'nothing wanted', current: stat(0o644), wanted: {}, mode: undefined, chown: undefined },
    { name: 'mode matches', current: stat(0o644), wanted: { mode: 0o644 }, mode: undefined, chown: undefined },
    { name: 'mode differs', current: stat(0o600), wanted: { mode: 0o644 }, mode: 0o644, chown: undefined },
    { name: 'owner differs', current: stat(0o644, 0, 0), wanted: { owner: 'redis', uid: 999 }, mode: undefined, chown: 'redis' },
    { name: 'group differs', current: stat(0o644, 999, 0), wanted: { owner: 'redis', uid: 999, group: 'redis', gid: 998 }, mode: undefined, chown: ':redis' },
    { name: 'both differ', current: stat(0o644), wanted: { owner: 'redis', uid: 999, group: 'redis', gid: 998 }, mode: undefined, chown: 'redis:redis' },
    { name: 'new file', current: null, wanted: { mode: 0o600, owner: 'root', uid: 0 }, mode: 0o600, chown: 'root' },
    { name: 'symlink ignores mode', current: stat(0o777, 0, 0, 'symlink'), wanted: { mode: 0o644 }, mode: undefined, chown: undefined },
  ])('$name', ({ current, wanted, mode, chown }) => {
    const changes = planAttributes(current, wanted);
    expect(changes.mode).toBe(mode);
    expect(changes.chown).toBe(chown);
  });
});
