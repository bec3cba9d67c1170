import type { Play, TaskSpec } from '../../src/playbook/types.ts';

/** A TaskSpec from the few fields a graph test cares about; the rest take the loader's defaults. */
export function task(id: string, fields: Partial<TaskSpec> = {}): TaskSpec {
  return {
    id,
    module: 'core.command',
    params: { cmd: 'true' },
    needs: [],
    tags: [],
    when: [],
    loopVar: 'item',
    notify: [],
    runOnce: false,
    ignoreErrors: false,
    retries: 0,
    delay: 0,
    position: { file: 'play.yaml', line: 1, column: 1 },
    keyPositions: {},
    ...fields,
  };
}

export function play(tasks: TaskSpec[], fields: Partial<Play> = {}): Play {
  return {
    name: 'test play',
    hosts: 'all',
    vars: {},
    tasks,
    handlers: [],
    rollback: [],
    modules: [],
    position: { file: 'play.yaml', line: 1, column: 3 },
    baseDir: '.',
    ...fields,
  };
}
