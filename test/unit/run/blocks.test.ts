// Blocks from data: a playbook's YAML and which tasks fail on which host in, what ran, what was
// skipped or blocked and which blocks were rescued out (Ansible's block/rescue/always).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { buildPlayGraph } from '../../../src/graph/build.ts';
import { loadPlaybook } from '../../../src/playbook/load.ts';
import type { RescuedBlock } from '../../../src/run/block-gates.ts';
import { runPlayGraph } from '../../../src/run/scheduler.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'playgraph-blocks-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;

async function loadPlay(yaml: string) {
  const file = path.join(scratch, `play${count++}.yaml`);
  writeFileSync(file, `- hosts: all\n  tasks:\n${yaml}`);
  return (await loadPlaybook(file)).plays[0]!;
}

/** Runs the play with every task "changed" except the failing node ids; returns what happened. */
async function run(yaml: string, failing: string[], hosts = ['h']) {
  const graph = buildPlayGraph(0, await loadPlay(yaml), hosts);
  const ran: string[] = [];
  const rescued: string[] = [];
  const outcomes = await runPlayGraph(graph, {
    forks: 4,
    signal: new AbortController().signal,
    runNode: async (node) => {
      ran.push(node.id);
      return failing.includes(node.id) ? { status: 'failed', message: 'boom' } : { status: 'changed' };
    },
    skipNode: () => {},
    blockRescued: (r: RescuedBlock) => rescued.push(`${r.block.name ?? r.block.id}@${r.host}: ${r.failedNodes.join(',')}`),
  });
  const status = (id: string) => {
    const o = outcomes.get(id)!;
    return `${o.status}${o.uncounted ? ' (uncounted)' : ''}${o.rescued ? ' (rescued)' : ''}`;
  };
  return { ran, rescued, status, outcomes };
}

const t = (id: string, indent = '    ') => `${indent}- id: ${id}\n${indent}  command: "true"\n`;
const nest = (yaml: string) => yaml.replace(/^(?=.)/gm, '    ');
const block = (name: string, body: string, rescue = '', always = '', indent = '    ') =>
  `${indent}- name: ${name}\n${indent}  block:\n${nest(body)}` +
  (rescue ? `${indent}  rescue:\n${nest(rescue)}` : '') +
  (always ? `${indent}  always:\n${nest(always)}` : '');

describe('block / rescue / always', () => {
  const play = block('b', t('b1') + t('b2') + t('b3'), t('r1') + t('r2'), t('a1')) + t('after');

  it('runs the block and always, not rescue, when nothing fails', async () => {
    const { ran, status, rescued } = await run(play, []);
    expect(ran).toEqual(['b1@h', 'b2@h', 'b3@h', 'a1@h', 'after@h']);
    expect(status('r1@h')).toBe('skipped (uncounted)');
    expect(status('r2@h')).toBe('skipped (uncounted)');
    expect(rescued).toEqual([]);
  });

  it('stops the block at a failure, runs rescue then always, and the host goes on', async () => {
    const { ran, status, rescued } = await run(play, ['b2@h']);
    expect(ran).toEqual(['b1@h', 'b2@h', 'r1@h', 'r2@h', 'a1@h', 'after@h']);
    expect(status('b2@h')).toBe('failed (rescued)');
    expect(status('b3@h')).toBe('blocked');
    expect(rescued).toEqual(['b@h: b2@h']);
  });

  it('fails the host when rescue fails too, after always', async () => {
    const { ran, status, rescued } = await run(play, ['b1@h', 'r1@h']);
    expect(ran).toEqual(['b1@h', 'r1@h', 'a1@h']);
    expect(status('r2@h')).toBe('blocked');
    expect(status('after@h')).toBe('blocked');
    expect(status('b1@h')).toBe('failed');
    expect(rescued).toEqual([]);
  });

  it('runs always after an unrescued failure, and the host stops after it', async () => {
    const { ran, status } = await run(block('b', t('b1'), '', t('a1')) + t('after'), ['b1@h']);
    expect(ran).toEqual(['b1@h', 'a1@h']);
    expect(status('after@h')).toBe('blocked');
  });

  it('fails the block when always fails, even with the body passing', async () => {
    const { status } = await run(play, ['a1@h']);
    expect(status('after@h')).toBe('blocked');
  });

  it('decides per host: one host rescued, the other untouched', async () => {
    const { status, rescued } = await run(play, ['b1@h2'], ['h1', 'h2']);
    expect(status('r1@h1')).toBe('skipped (uncounted)');
    expect(status('r1@h2')).toBe('changed');
    expect(status('after@h1')).toBe('changed');
    expect(status('after@h2')).toBe('changed');
    expect(rescued).toEqual(['b@h2: b1@h2']);
  });

  it('neither rescues nor runs always in a block an earlier failure kept from starting', async () => {
    const { ran, status } = await run(t('first') + play, ['first@h']);
    expect(ran).toEqual(['first@h']);
    expect(status('r1@h')).toBe('blocked');
    expect(status('a1@h')).toBe('blocked');
  });

  it('lets an inner rescue make good an inner failure, so the outer rescue is not needed', async () => {
    const inner = block('inner', t('i1'), t('ir'));
    const outer = block('outer', inner + t('o2'), t('or'));
    const { ran, status, rescued } = await run(outer + t('after'), ['i1@h']);
    expect(ran).toEqual(['i1@h', 'ir@h', 'o2@h', 'after@h']);
    expect(status('or@h')).toBe('skipped (uncounted)');
    expect(rescued).toEqual(['inner@h: i1@h']);
  });

  it('hands an unrescued inner failure to the outer rescue', async () => {
    const inner = block('inner', t('i1'), '', t('ia'));
    const outer = block('outer', inner + t('o2'), t('or'));
    const { ran, rescued } = await run(outer + t('after'), ['i1@h']);
    expect(ran).toEqual(['i1@h', 'ia@h', 'or@h', 'after@h']);
    expect(rescued).toEqual(['outer@h: i1@h']);
  });
});

describe('blocks as the loader reads them', () => {
  it('gives its tasks the block keywords they do not set, and their place in the block', async () => {
    const yaml = [
      '    - name: guarded',
      '      when: go',
      '      become: true',
      '      tags: [web]',
      '      vars: { a: 1, b: 1 }',
      '      ignore_errors: true',
      '      block:',
      '        - id: inner',
      '          command: "true"',
      '          when: also',
      '          become: false',
      '          vars: { b: 2 }',
      '          ignore_errors: false',
      '      rescue:',
      '        - id: saved',
      '          command: "true"',
    ].join('\n');
    const play = await loadPlay(`${yaml}\n`);
    const [inner, saved] = play.tasks;
    expect(inner).toMatchObject({ id: 'inner', when: ['go', 'also'], become: false, tags: ['web'], vars: { a: 1, b: 2 }, ignoreErrors: false, blocks: [{ block: 'block1', part: 'block' }] });
    expect(saved).toMatchObject({ id: 'saved', when: ['go'], become: true, ignoreErrors: true, blocks: [{ block: 'block1', part: 'rescue' }] });
    expect(play.blocks!.map((b) => [b.id, b.name, b.block.length, b.rescue.length, b.always.length])).toEqual([['block1', 'guarded', 1, 1, 0]]);
  });

  it('passes no_log, become_user, check_mode and environment down, a task\'s own environment added last', async () => {
    const yaml = '    - no_log: true\n      become_user: app\n      check_mode: false\n      environment: { A: "1", B: "1" }\n      block:\n        - command: "true"\n          environment: { B: "2" }\n';
    const [inner] = (await loadPlay(yaml)).tasks;
    expect(inner).toMatchObject({ noLog: true, becomeUser: 'app', checkMode: false, environment: [{ A: '1', B: '1' }, { B: '2' }] });
  });

  it.each([
    ['    - block:\n        - command: "true"\n      retries: 3\n', "block keyword 'retries' is not supported"],
    ['    - block: []\n', 'a block needs at least one task under block:'],
  ])('refuses %j', async (yaml, message) => {
    const error = await loadPlay(yaml).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
  });
});
