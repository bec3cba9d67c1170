import { describe, expect, it } from 'vitest';
import { templateCandidates, templateParams } from './template.ts';

describe('templateCandidates', () => {
  it('looks in templates/ first, then beside the playbook', () => {
    expect(templateCandidates('/play', 'redis.conf.j2')).toEqual(['/play/templates/redis.conf.j2', '/play/redis.conf.j2']);
  });

  it('takes an absolute path as it is', () => {
    expect(templateCandidates('/play', '/srv/t/redis.conf.j2')).toEqual(['/srv/t/redis.conf.j2']);
  });

  it('requires src and dest', () => {
    expect(templateParams.safeParse({ src: 'a.j2' }).success).toBe(false);
    expect(templateParams.parse({ src: 'a.j2', dest: '/x' })).toEqual({ src: 'a.j2', dest: '/x', force: true });
  });
});
