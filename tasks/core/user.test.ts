import { describe, expect, it } from 'vitest';
import { parseIdGroups, parsePasswdLine, planUser, userParams, type UserFacts } from './user.ts';

const params = (input: Record<string, unknown>) => userParams.parse(input);
const redis: UserFacts = {
  ...parsePasswdLine('redis:x:999:998:Redis server:/var/lib/redis:/usr/sbin/nologin\n')!,
  primaryGroup: 'redis',
  groups: parseIdGroups('redis adm\n', 'redis'),
};

describe('user facts', () => {
  it('parses getent passwd and id -Gn', () => {
    expect(redis).toEqual({ uid: 999, gid: 998, comment: 'Redis server', home: '/var/lib/redis', shell: '/usr/sbin/nologin', primaryGroup: 'redis', groups: ['adm'] });
    expect(parsePasswdLine('')).toBeNull();
  });
});

describe('planUser', () => {
  it.each([
    { name: 'create with everything', input: { name: 'redis', uid: 999, group: 'redis', groups: ['adm', 'disk'], shell: '/bin/sh', home: '/srv/redis', comment: 'Redis', system: true }, facts: null,
      argv: ['useradd', '-u', '999', '-g', 'redis', '-G', 'adm,disk', '-s', '/bin/sh', '-d', '/srv/redis', '-c', 'Redis', '-m', '-r', '--', 'redis'], description: 'create user redis' },
    { name: 'create without home', input: { name: 'svc', create_home: false }, facts: null, argv: ['useradd', '-M', '--', 'svc'], description: 'create user svc' },
    { name: 'exists as wanted', input: { name: 'redis', uid: 999, group: 'redis', shell: '/usr/sbin/nologin', groups: 'adm' }, facts: redis, ok: 'user redis up to date' },
    { name: 'group given as gid', input: { name: 'redis', group: '998' }, facts: redis, ok: 'user redis up to date' },
    { name: 'change shell', input: { name: 'redis', shell: '/bin/bash' }, facts: redis, argv: ['usermod', '-s', '/bin/bash', '--', 'redis'], description: 'modify user redis: shell /usr/sbin/nologin -> /bin/bash' },
    { name: 'set groups exactly', input: { name: 'redis', groups: ['disk'] }, facts: redis, argv: ['usermod', '-G', 'disk', '--', 'redis'], description: 'modify user redis: groups adm -> disk' },
    { name: 'append a group', input: { name: 'redis', groups: ['disk'], append: true }, facts: redis, argv: ['usermod', '-a', '-G', 'disk', '--', 'redis'], description: 'modify user redis: groups adm -> +disk' },
    { name: 'append a group already there', input: { name: 'redis', groups: ['adm'], append: true }, facts: redis, ok: 'user redis up to date' },
    { name: 'empty groups removes all', input: { name: 'redis', groups: [] }, facts: redis, argv: ['usermod', '-G', '', '--', 'redis'], description: 'modify user redis: groups adm -> -' },
    { name: 'delete', input: { name: 'redis', state: 'absent', remove: true }, facts: redis, argv: ['userdel', '-r', '--', 'redis'], description: 'remove user redis' },
    { name: 'already deleted', input: { name: 'redis', state: 'absent' }, facts: null, ok: 'user redis absent' },
  ])('$name', ({ input, facts, argv, description, ok }) => {
    const plan = planUser(params(input), facts);
    if (ok) expect(plan).toEqual({ ok: true, reason: ok });
    else expect(plan).toEqual({ ok: false, argv, description });
  });
});
