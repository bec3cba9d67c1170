import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  fingerprint,
  hashHostName,
  hostFieldMatches,
  keyTypeOf,
  knownHostsLine,
  knownKeyTypes,
  lookupName,
  parseKnownHosts,
} from '../../../src/connect/known-hosts.ts';

// Two real ed25519 keys; the hashed lines below were produced by `ssh-keygen -H` from
// "10.0.0.5 KEY1" and "[10.0.0.6]:2222 KEY2".
const KEY1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIO6pdNFKt5ttJdzDzLXwUX6zYpLLfdaFxX0tVE4vzl5M';
const KEY2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIBWkK/T40qTN1wvGpi1ehMpw8xFiZw1u4uLVbbSARG3N';
const HASHED_10_0_0_5 = '|1|G8wLrxUQ6F8fwvqLR9pt+wFSixk=|teH1KqgY1sBbOnjfOtMMJ7QPjFI=';
const HASHED_10_0_0_6_PORT_2222 = '|1|Rou97opVNb8xAuuRfCQPzX5i1a8=|JOBtrcykzgRanGLzqG8KkuvkxcM=';
const key1 = Buffer.from(KEY1, 'base64');
const key2 = Buffer.from(KEY2, 'base64');

describe('parseKnownHosts', () => {
  it('reads entries with line numbers, markers and comments, skipping blanks and malformed lines', () => {
    const entries = parseKnownHosts(
      ['# comment', '', `web1,10.0.0.1 ssh-ed25519 ${KEY1} user@box`, 'broken-line-without-key', `@revoked * ssh-ed25519 ${KEY2}`, `@cert-authority *.example ssh-ed25519 ${KEY1}`].join('\n'),
    );
    expect(entries.map((e) => [e.line, e.marker, e.hosts, e.keyType])).toEqual([
      [3, undefined, 'web1,10.0.0.1', 'ssh-ed25519'],
      [5, 'revoked', '*', 'ssh-ed25519'],
      [6, 'cert-authority', '*.example', 'ssh-ed25519'],
    ]);
    expect(entries[0].key.equals(key1)).toBe(true);
  });
});

describe('hostFieldMatches', () => {
  it.each([
    ['10.0.0.5', '10.0.0.5', true],
    ['web1,10.0.0.5', '10.0.0.5', true],
    ['WEB1', 'web1', true],
    ['10.0.0.5', '10.0.0.55', false],
    ['10.0.0.*', '10.0.0.55', true],
    ['10.0.0.?', '10.0.0.55', false],
    ['10.0.0.*,!10.0.0.7', '10.0.0.7', false],
    ['[10.0.0.6]:2222', '[10.0.0.6]:2222', true],
    ['10.0.0.6', '[10.0.0.6]:2222', false],
    [HASHED_10_0_0_5, '10.0.0.5', true],
    [HASHED_10_0_0_5, '10.0.0.6', false],
    [HASHED_10_0_0_6_PORT_2222, '[10.0.0.6]:2222', true],
    [HASHED_10_0_0_6_PORT_2222, '10.0.0.6', false],
  ])('%s vs %s -> %s', (field, name, expected) => {
    expect(hostFieldMatches(field, name)).toBe(expected);
  });

  it('matches names it hashed itself', () => {
    const salt = Buffer.from('0123456789abcdefghij');
    expect(hostFieldMatches(hashHostName('server1', salt), 'server1')).toBe(true);
    expect(hostFieldMatches(hashHostName('server1', salt), 'server2')).toBe(false);
  });
});

describe('lookupName', () => {
  it('brackets non-default ports only', () => {
    expect(lookupName('h', 22)).toBe('h');
    expect(lookupName('h', 2222)).toBe('[h]:2222');
  });
});

describe('checkHostKey', () => {
  const entries = parseKnownHosts(
    [`${HASHED_10_0_0_5} ssh-ed25519 ${KEY1}`, `[10.0.0.6]:2222 ssh-ed25519 ${KEY2}`, `10.0.0.9 ssh-rsa ${KEY1}`, `@revoked 10.0.0.8 ssh-ed25519 ${KEY2}`].join('\n'),
  );

  it('accepts the recorded key (hashed or bracketed names)', () => {
    expect(checkHostKey(entries, '10.0.0.5', 22, key1)).toMatchObject({ kind: 'known', entry: { line: 1 } });
    expect(checkHostKey(entries, '10.0.0.6', 2222, key2)).toMatchObject({ kind: 'known', entry: { line: 2 } });
  });

  it('reports a different key of the same type as changed, with the line', () => {
    expect(checkHostKey(entries, '10.0.0.5', 22, key2)).toMatchObject({ kind: 'changed', entry: { line: 1 } });
  });

  it('reports an unrecorded host, or one with only other key types, as unknown', () => {
    expect(checkHostKey(entries, '10.0.0.7', 22, key1)).toEqual({ kind: 'unknown', otherTypes: [] });
    expect(checkHostKey(entries, '10.0.0.6', 22, key2)).toEqual({ kind: 'unknown', otherTypes: [] });
    expect(checkHostKey(entries, '10.0.0.9', 22, key2)).toEqual({ kind: 'unknown', otherTypes: ['ssh-rsa'] });
  });

  it('refuses a revoked key', () => {
    expect(checkHostKey(entries, '10.0.0.8', 22, key2)).toMatchObject({ kind: 'revoked', entry: { line: 4 } });
  });

  it('lists the key types known for a host', () => {
    expect(knownKeyTypes(entries, '10.0.0.9', 22)).toEqual(['ssh-rsa']);
    expect(knownKeyTypes(entries, '10.0.0.5', 22)).toEqual(['ssh-ed25519']);
  });
});

describe('key helpers', () => {
  it('reads the key type from the blob and formats lines and fingerprints like ssh', () => {
    expect(keyTypeOf(key1)).toBe('ssh-ed25519');
    expect(knownHostsLine('10.0.0.6', 2222, key2)).toBe(`[10.0.0.6]:2222 ssh-ed25519 ${KEY2}`);
    expect(fingerprint(key1)).toBe('SHA256:llX4WNWVh+6lvG9+y9WMVPmDza1P/Bsngp7g0h245XE'); // as ssh-keygen -l prints it
  });
});
