import { describe, expect, it } from 'vitest';
import type { Play, TaskSpec } from '../../../src/playbook/types.ts';
import { runtimeNames } from '../../../src/run/runtime-names.ts';

const task = (module: string, params: unknown, register?: string) => ({ module, params, register }) as TaskSpec;
const play = (tasks: TaskSpec[]) => ({ tasks, handlers: [], rollback: [] }) as unknown as Play;

describe('runtimeNames', () => {
  it('names register:, set_fact keys (not cacheable) and include_vars name', () => {
    const found = runtimeNames(play([task('core.command', { cmd: 'x' }, 'out'), task('core.set_fact', { a: 1, b: 2, cacheable: true }), task('core.include_vars', { file: 'x.yml', name: 'cfg' })]));
    expect(found).toEqual({ names: new Set(['out', 'a', 'b', 'cfg']), any: false });
  });

  it('may be any name after an include_vars of a whole file, or a set_fact of a templated mapping', () => {
    expect(runtimeNames(play([task('core.include_vars', { file: 'x.yml' })])).any).toBe(true);
    expect(runtimeNames(play([task('core.set_fact', { _variable_params: '{{ d }}' })])).any).toBe(true);
  });
});
