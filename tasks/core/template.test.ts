import { describe, expect, it } from 'vitest';
import { templateParams } from './template.ts';

describe('template params', () => {
  it('requires src and dest', () => {
    expect(templateParams.safeParse({ src: 'a.j2' }).success).toBe(false);
    expect(templateParams.parse({ src: 'a.j2', dest: '/x' })).toEqual({ src: 'a.j2', dest: '/x', force: true });
  });
});
