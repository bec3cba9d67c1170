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

  it('ignores an empty secret', () => {
    const masker = new SecretMasker();
    masker.add('');
    expect(masker.size).toBe(0);
    expect(masker.mask('unchanged')).toBe('unchanged');
  });

  // Issue 9: a short secret masked as a raw substring turned `exit 1` into `exit ********`.
  const tokenCases: { secret: string; text: string; masked: string }[] = [
    { secret: '1', text: 'pin=1, exit 10, v1.2, x1', masked: `pin=${MASK}, exit 10, v1.2, x1` },
    { secret: 'x', text: 'max box x', masked: `max box ${MASK}` },
    { secret: 'app', text: 'app apple app_1 /srv/app', masked: `${MASK} apple app_1 /srv/${MASK}` },
    { secret: 'pa55', text: '"pa55" pa55word', masked: `"${MASK}" pa55word` },
    { secret: 'a b', text: 'a b cab', masked: `${MASK} cab` },
    { secret: '-pw-', text: 'x-pw-y', masked: `x${MASK}y` },
    { secret: 'pässwö', text: 'pässwörter pässwö', masked: `pässwörter ${MASK}` },
    // Long secrets are masked wherever they are, also glued: `mysql -pS3cretPassw0rd`.
    { secret: 'S3cretPassw0rd', text: 'mysql -pS3cretPassw0rd', masked: `mysql -p${MASK}` },
    { secret: 'exactly8', text: 'xexactly8x', masked: `x${MASK}x` },
  ];
  it.each(tokenCases)('masks $secret in "$text" only where it stands as itself', ({ secret, text, masked }) => {
    const masker = new SecretMasker();
    masker.add(secret);
    expect(masker.mask(text)).toBe(masked);
    expect(masker.holdsSecret(text)).toBe(masked !== text);
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

describe('SecretMasker.addFromValue', () => {
  it("adds a no_log result's string leaves as secrets, not its bookkeeping fields", () => {
    const masker = new SecretMasker();
    masker.addFromValue({
      changed: true, rc: 0, cmd: ['cat', '/etc/app.key'], start: '2026-12-02 10:00:00', delta: '0:00:00.01',
      stdout: 'k3y-c0ntent', stdout_lines: ['k3y-c0ntent'], stderr: '', state: 'file', mode: '0644',
      results: [{ item: 'app', stdout: 'per-item-out' }], ansible_facts: { db_seed: 'fact-value' },
    });
    expect(masker.mask('k3y-c0ntent per-item-out fact-value')).toBe(`${MASK} ${MASK} ${MASK}`);
    expect(masker.mask('cat /etc/app.key: state file mode 0644 rc 0 app')).toBe('cat /etc/app.key: state file mode 0644 rc 0 app');
  });
});

describe('SecretMasker.maskEvent on --diff contents', () => {
  it('masks a secret-named setting in a file even when the run never knew its value', () => {
    const masker = new SecretMasker();
    const event: RunEvent = {
      type: 'node-end', node: node('conf', 'h'), status: 'changed', planned: true, durationMs: 1,
      files: [{ path: '/etc/app.conf', before: 'user=app\ndb_password=rotated-away\n', after: 'user=app\ndb_password=n3w\n' }],
    };
    const masked = masker.maskEvent(event) as Extract<RunEvent, { type: 'node-end' }>;
    expect(masked.files).toEqual([{ path: '/etc/app.conf', before: `user=app\ndb_password=${MASK}\n`, after: `user=app\ndb_password=${MASK}\n` }]);
  });
});

describe('SecretMasker.maskEvent keeps the run\'s own words', () => {
  it('masks messages but never the event type, status or level', () => {
    const masker = new SecretMasker();
    masker.add('ok');
    const event: RunEvent = { type: 'node-end', node: node('t', 'h'), status: 'ok', message: 'said ok', durationMs: 1 };
    expect(masker.maskEvent(event)).toMatchObject({ type: 'node-end', status: 'ok', message: `said ${MASK}` });
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
