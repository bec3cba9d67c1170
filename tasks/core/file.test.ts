import { describe, expect, it } from 'vitest';
import type { FileStat } from '../../src/connect/connection.ts';
import { TaskError } from '../../src/errors.ts';
import type { WantedAttributes } from '../../src/modules/file-attrs.ts';
import { effectiveState, fileParams, planFile, treeDiffersArgv, type FileFacts } from './file.ts';

const stat = (type: FileStat['type'], mode = 0o644, uid = 0, gid = 0): FileStat => ({ type, mode, uid, gid, size: 0 });
const params = (input: Record<string, unknown>) => fileParams.parse(input);

describe('effectiveState (Ansible defaults)', () => {
  it.each([
    [{ path: '/x' }, 'file'],
    [{ path: '/x', src: '/y' }, 'link'],
    [{ path: '/x', recurse: true }, 'directory'],
    [{ path: '/x', state: 'absent', src: '/y' }, 'absent'],
  ])('%j -> %s', (input, state) => {
    expect(effectiveState(params(input))).toBe(state);
  });
});

describe('planFile', () => {
  const cases: { name: string; input: Record<string, unknown>; wanted?: WantedAttributes; facts: FileFacts; ok?: string; plan?: { description: string; kinds: string[] } }[] = [
    { name: 'absent and gone', input: { path: '/x', state: 'absent' }, facts: { stat: null }, ok: '/x is absent as wanted' },
    { name: 'absent but there', input: { path: '/x', state: 'absent' }, facts: { stat: stat('directory') }, plan: { description: 'remove /x', kinds: ['remove'] } },
    { name: 'directory missing', input: { path: '/d', state: 'directory', mode: '0755' }, wanted: { mode: 0o755 }, facts: { stat: null }, plan: { description: 'create directory /d, mode 0755', kinds: ['mkdir', 'attributes'] } },
    { name: 'directory present, right mode', input: { path: '/d', state: 'directory' }, wanted: { mode: 0o755 }, facts: { stat: stat('directory', 0o755) }, ok: '/d is a directory as wanted' },
    { name: 'directory present, wrong owner', input: { path: '/d', state: 'directory' }, wanted: { owner: 'redis', uid: 999 }, facts: { stat: stat('directory', 0o755) }, plan: { description: 'owner -> redis', kinds: ['attributes'] } },
    { name: 'recurse, tree differs', input: { path: '/d', recurse: true }, wanted: { mode: 0o755 }, facts: { stat: stat('directory', 0o755), treeDiffers: true }, plan: { description: 'attributes below it', kinds: ['attributes'] } },
    { name: 'recurse, tree same', input: { path: '/d', recurse: true }, wanted: { mode: 0o755 }, facts: { stat: stat('directory', 0o755), treeDiffers: false }, ok: '/d is a directory as wanted' },
    { name: 'file with wrong mode', input: { path: '/f' }, wanted: { mode: 0o600 }, facts: { stat: stat('file', 0o644) }, plan: { description: 'mode 0644 -> 0600', kinds: ['attributes'] } },
    { name: 'touch a missing file', input: { path: '/f', state: 'touch' }, facts: { stat: null }, plan: { description: 'create /f', kinds: ['touch'] } },
    { name: 'touch an existing file is idempotent', input: { path: '/f', state: 'touch' }, facts: { stat: stat('file') }, ok: '/f is a file as wanted' },
    { name: 'new link', input: { path: '/l', src: '/t' }, facts: { stat: null }, plan: { description: 'link /l -> /t', kinds: ['symlink'] } },
    { name: 'right link', input: { path: '/l', src: '/t' }, facts: { stat: stat('symlink', 0o777), linkTarget: '/t' }, ok: '/l is a link as wanted' },
    { name: 'link pointing elsewhere', input: { path: '/l', src: '/t' }, facts: { stat: stat('symlink', 0o777), linkTarget: '/old' }, plan: { description: 'repoint link /l: /old -> /t', kinds: ['symlink'] } },
    { name: 'force replaces a file with a link', input: { path: '/l', src: '/t', force: true }, facts: { stat: stat('file') }, plan: { description: 'link /l -> /t', kinds: ['symlink'] } },
    { name: 'link owner on a new link', input: { path: '/l', src: '/t' }, wanted: { owner: 'redis', uid: 999, mode: 0o644 }, facts: { stat: null }, plan: { description: 'link /l -> /t, owner -> redis', kinds: ['symlink', 'attributes'] } },
  ];
  it.each(cases)('$name', ({ input, wanted = {}, facts, ok, plan }) => {
    const result = planFile(params(input), wanted, facts);
    if (ok) {
      expect(result).toEqual({ ok: true, reason: ok });
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.description).toBe(plan!.description);
      expect(result.actions.map((action) => action.kind)).toEqual(plan!.kinds);
    }
  });

  it.each([
    [{ path: '/f' }, { stat: null }, /does not exist/],
    [{ path: '/f' }, { stat: stat('directory') }, /is a directory/],
    [{ path: '/d', state: 'directory' }, { stat: stat('file') }, /not a directory/],
    [{ path: '/l', src: '/t' }, { stat: stat('file') }, /force: true/],
    [{ path: '/l', src: '/t' }, { stat: stat('directory') }, /refusing/],
    [{ path: '/l', state: 'link' }, { stat: null }, /needs src/],
  ])('refuses %j with %j', (input, facts, message) => {
    expect(() => planFile(params(input), {}, facts as FileFacts)).toThrow(TaskError);
    expect(() => planFile(params(input), {}, facts as FileFacts)).toThrow(message);
  });
});

describe('treeDiffersArgv', () => {
  it('asks find for the first entry that differs', () => {
    expect(treeDiffersArgv('/d', { mode: 0o755, uid: 999 })).toEqual(['find', '/d', '-mindepth', '1', '(', '!', '-perm', '0755', '-o', '!', '-uid', '999', ')', '-print', '-quit']);
    expect(treeDiffersArgv('/d', {})).toBeNull();
  });
});
