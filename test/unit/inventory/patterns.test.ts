import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { loadInventory } from '../../../src/inventory/load.ts';
import { limitHosts, selectHosts, splitHostPattern } from '../../../src/inventory/patterns.ts';
import type { Inventory } from '../../../src/inventory/types.ts';

const fixture = join(import.meta.dirname, '../../fixtures/inventory/yaml-cluster/hosts.yaml');

// Pattern -> hosts, as `ansible PATTERN -i yaml-cluster/hosts.yaml --list-hosts` prints them.
const selections: Array<[string, string[]]> = [
  ['all', ['bastion', 'server1', 'grafana.example.com', 'server2', 'server3']],
  ['*', ['bastion', 'server1', 'grafana.example.com', 'server2', 'server3']],
  ['redis', ['server1', 'server2', 'server3']],
  ['server2', ['server2']],
  ['redis:!redis_masters[0]', ['server2', 'server3']],
  ['redis_masters[-1]', ['server3']],
  ['redis_masters[0:1]', ['server1', 'server2']],
  ['redis_masters[1:]', ['server2', 'server3']],
  ['redis_masters[0:0]', ['server1']],
  ['~server[12]', ['server1', 'server2']],
  ['server*', ['server1', 'server2', 'server3']],
  ['red*', ['server1', 'server2', 'server3']],
  ['*.example.com', ['grafana.example.com']],
  ['monitoring:&redis', ['server1']],
  ['&redis:monitoring', ['server1']],
  ['monitoring,bastion', ['server1', 'grafana.example.com', 'bastion']],
  ['monitoring:bastion:server1', ['server1', 'grafana.example.com', 'bastion']],
  ['!monitoring', ['bastion', 'server2', 'server3']],
  ['ungrouped', ['bastion']],
  ['redis_replicas:!server3:&monitoring', ['server1']],
];

let inventory: Inventory;
beforeAll(async () => {
  inventory = await loadInventory([fixture]);
});

describe('selectHosts', () => {
  it.each(selections)('%s', (pattern, expected) => {
    expect(selectHosts(inventory, pattern)).toEqual(expected);
  });

  it.each([
    ['nothing', /host pattern 'nothing' matches no hosts.*no group or host named 'nothing'/],
    ['redis_masters[5]', /No hosts matched the subscripted pattern 'redis_masters\[5\]'/],
    ['redis:&monitoring:!server1', /host pattern 'redis:&monitoring:!server1' matches no hosts/],
    ['~web(', /Invalid host list pattern: ~web\(/],
  ])('%s is an InputError', (pattern, message) => {
    expect(() => selectHosts(inventory, pattern)).toThrow(InputError);
    expect(() => selectHosts(inventory, pattern)).toThrow(message);
  });

  it('names the playbook position of a pattern that matches nothing', () => {
    const error = (() => {
      try {
        selectHosts(inventory, 'webservers', { file: 'site.yaml', line: 3, column: 8 });
      } catch (caught) {
        return caught as InputError;
      }
      throw new Error('expected an error');
    })();
    expect(error.message).toMatch(/^site\.yaml:3:8: host pattern 'webservers' matches no hosts/);
    expect(error.position).toEqual({ file: 'site.yaml', line: 3, column: 8 });
  });
});

describe('splitHostPattern', () => {
  it.each([
    ['a:b', ['a', 'b']],
    ['a, b ,c', ['a', 'b', 'c']],
    ['web[0:2]', ['web[0:2]']],
    ['web[0:2]:db', ['web[0:2]', 'db']],
    ['a:!b:&c', ['a', '!b', '&c']],
    ['fe80::1', ['fe80::1']],
    ['host.example.com:22', ['host.example.com:22']],
  ])('%s', (pattern, expected) => {
    expect(splitHostPattern(pattern)).toEqual(expected);
  });
});

describe('limitHosts', () => {
  it.each([
    ['server2', ['server2']],
    ['redis_masters[0]:server3', ['server1', 'server3']],
    ['redis:!server1', ['server2', 'server3']],
    ['monitoring', ['server1', 'grafana.example.com']],
  ])('--limit %s', (limit, expected) => {
    expect(limitHosts(inventory, limit)).toEqual(expected);
  });

  it('reads host names from @file, one a line; an empty file names none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'limit-'));
    writeFileSync(join(dir, 'retry'), 'server3\n\nserver1\n');
    expect(limitHosts(inventory, `@${join(dir, 'retry')}`)).toEqual(['server3', 'server1']);
    writeFileSync(join(dir, 'empty'), '\n');
    expect(limitHosts(inventory, `@${join(dir, 'empty')}`)).toEqual([]);
  });

  it('selects no host (not an error: the plays decide) for a name the inventory lacks; a missing file is an InputError', () => {
    expect(limitHosts(inventory, 'nohost')).toEqual([]);
    expect(() => limitHosts(inventory, '@/nonexistent/limit')).toThrow(InputError);
  });
});

function findAnsible(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v ansible'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
const ansible = findAnsible();

describe.skipIf(!ansible)('the selection table agrees with ansible --list-hosts (skipped when ansible is not on PATH)', () => {
  it.concurrent.each(selections)('%s', async (pattern, expected) => {
    const { stdout } = await promisify(execFile)(ansible!, [pattern, '-i', fixture, '--list-hosts'], { encoding: 'utf8' });
    const listed = stdout.split('\n').slice(1).map((line) => line.trim()).filter(Boolean);
    expect(listed).toEqual(expected);
  }, 60_000);
});
