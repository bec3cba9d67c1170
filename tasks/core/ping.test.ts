import { describe, expect, it } from 'vitest';
import { pingParams, pingResult } from './ping.ts';

describe('ping', () => {
  it('returns pong by default and the data given', () => {
    expect(pingResult(pingParams.parse({}).data)).toEqual({ ping: 'pong' });
    expect(pingResult('hello')).toEqual({ ping: 'hello' });
  });

  it('fails for data: crash, as Ansible raises', () => {
    expect(() => pingResult('crash')).toThrow('boom');
  });

  it('refuses parameters Ansible does not have', () => {
    expect(pingParams.safeParse({ date: 'x' }).success).toBe(false);
  });
});
