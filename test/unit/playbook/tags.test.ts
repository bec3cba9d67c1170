import { describe, expect, it } from 'vitest';
import { selectTasks } from '../../../src/playbook/tags.ts';
import type { TaskSpec } from '../../../src/playbook/types.ts';

function task(id: string, tags: string[]): TaskSpec {
  return {
    id, module: 'core.command', params: {}, needs: [], tags, when: [], loopVar: 'item', notify: [], runOnce: false,
    ignoreErrors: false, retries: 0, delay: 5, position: { file: 't.yaml' }, keyPositions: {},
  };
}

const tasks = [
  task('plain', []),
  task('build', ['build']),
  task('both', ['build', 'cluster']),
  task('always', ['always']),
  task('always-build', ['always', 'build']),
  task('never', ['never']),
  task('never-debug', ['never', 'debug']),
];

// [--tags, --skip-tags, selected ids] with Ansible's meaning of all/always/never/tagged/untagged.
const cases: [string[] | undefined, string[] | undefined, string[]][] = [
  [undefined, undefined, ['plain', 'build', 'both', 'always', 'always-build']],
  [['all'], undefined, ['plain', 'build', 'both', 'always', 'always-build']],
  [['build'], undefined, ['build', 'both', 'always', 'always-build']],
  [['cluster'], undefined, ['both', 'always', 'always-build']],
  [['build,cluster'], undefined, ['build', 'both', 'always', 'always-build']],
  [['debug'], undefined, ['always', 'always-build', 'never-debug']],
  [['never'], undefined, ['always', 'always-build', 'never', 'never-debug']],
  [['tagged'], undefined, ['build', 'both', 'always', 'always-build']],
  [['untagged'], undefined, ['plain', 'always', 'always-build']],
  [undefined, ['build'], ['plain', 'always']],
  [undefined, ['always'], ['plain', 'build', 'both']],
  [undefined, ['all'], ['always', 'always-build']],
  [undefined, ['all', 'always'], []],
  [undefined, ['tagged'], ['plain']],
  [undefined, ['untagged'], ['build', 'both', 'always', 'always-build']],
  [['build'], ['cluster'], ['build', 'always', 'always-build']],
  [['cluster'], ['always'], ['both']],
  [['debug'], ['never'], ['always', 'always-build']],
];

describe('selectTasks', () => {
  it.each(cases)('--tags %j --skip-tags %j', (tags, skipTags, expected) => {
    expect([...selectTasks(tasks, { tags, skipTags })]).toEqual(expected);
  });
});
