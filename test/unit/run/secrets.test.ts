import { describe, expect, it } from 'vitest';
import type { RunEvent, RunEventSink } from '../../../src/run/events.ts';
import { MASK, SecretMasker, maskingSink, secretsFromVars } from '../../../src/run/secrets.ts';
import { PASSWORD, applyRun, node } from '../report/fixtures.ts';

describe('SecretMasker.mask', () => {
  it('masks every occurrence of every secret', () => {
    const masker = new SecretMasker();
    masker.add('hunter22');
    masker.add('tok-9f8e');
    expect(masker.mask('auth hunter22 then hunter22, token tok-9f8e')).toBe(`auth ${MASK} then ${MASK}, token ${MASK}`);
  });

  it('masks overlapping secrets whole, longest first, whatever the order they were added in', () => {
    const masker = new SecretMasker();
    masker.add('abcd');
    masker.add('abcdefgh');
    expect(masker.mask('x abcdefgh y abcd z')).toBe(`x ${MASK} y ${MASK} z`);
  });

  it('treats regex characters in secrets literally', () => {
    const masker = new SecretMasker();
    masker.add('a.b*c');
    expect(masker.mask('a.b*c axbbc')).toBe(`${MASK} axbbc`);
  });

  it('masks a one-character secret everywhere and ignores an empty one', () => {
    const masker = new SecretMasker();
    masker.add('');
    expect(masker.mask('unchanged')).toBe('unchanged');
    masker.add('x');
    expect(masker.mask('max box')).toBe(`ma${MASK} bo${MASK}`);
  });

  it('masks the shell-quoted and JSON-escaped forms of a secret with quotes in it', () => {
    const masker = new SecretMasker();
    masker.add(`it's"x`);
    expect(masker.mask(`redis-cli -a 'it'\\''s"x' ping`)).toBe(`redis-cli -a ${MASK} ping`);
    expect(masker.mask(JSON.stringify({ password: `it's"x` }))).toBe(`{"password":"${MASK}"}`);
  });
});

describe('SecretMasker.maskEvent', () => {
  it('masks every string in the event, including file diffs, and leaves the original alone', () => {
    const masker = new SecretMasker();
    masker.add(PASSWORD);
    for (const event of applyRun) {
      const masked = masker.maskEvent(event);
      expect(JSON.stringify(masked)).not.toContain(PASSWORD);
    }
    const withFile = applyRun.find((event) => event.type === 'node-end' && event.files)!;
    const masked = masker.maskEvent(withFile) as Extract<RunEvent, { type: 'node-end' }>;
    expect(masked.files![0].after).toContain(`requirepass ${MASK}`);
    expect(masked.files![0].before).toBe('port 7300\nmaxmemory 300mb\nappendonly yes\n');
    expect(masked.durationMs).toBe(120);
    expect(JSON.stringify(withFile)).toContain(PASSWORD);
  });

  it('masks secrets added after the masker was handed out', () => {
    const masker = new SecretMasker();
    const seen: RunEvent[] = [];
    const sink: RunEventSink = maskingSink({ emit: (event) => seen.push(event) }, masker);
    const log = (message: string): RunEvent => ({ type: 'node-log', node: node('meet', 'server1'), level: 'info', message });
    sink.emit(log('auth late-secret'));
    masker.add('late-secret');
    sink.emit(log('auth late-secret'));
    expect(seen.map((event) => (event as { message: string }).message)).toEqual(['auth late-secret', `auth ${MASK}`]);
  });
});

describe('secretsFromVars', () => {
  it('finds secret-named variables at any depth, strings and numbers, under any container', () => {
    const vars = {
      redis_password: 'r3d1s',
      ansible_become_password: 'b3come',
      redis_port: 7300,
      nodes: [{ port: 7300, auth: { api_key: 'k-123' } }],
      cluster: { admin_token: 424242, secrets: { db: 'db-pass', list: ['one', 'two'] } },
      ansible_ssh_private_key_file: '~/.ssh/id_ed25519',
      passwordless: true,
      empty_password: '',
    };
    expect(secretsFromVars(vars).sort()).toEqual(['424242', 'b3come', 'db-pass', 'k-123', 'one', 'r3d1s', 'two'].sort());
  });

  it('finds nothing in vars without secret names', () => {
    expect(secretsFromVars({ redis_version: '7.0.15', ports: [7300, 7301], bind: { ip: '10.0.0.1' } })).toEqual([]);
  });
});
