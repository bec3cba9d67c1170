import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { loadPlaybook } from '../../../src/playbook/load.ts';
import type { TaskSpec } from '../../../src/playbook/types.ts';

const FIXTURES = 'test/fixtures/playbooks';

async function loadError(file: string): Promise<InputError> {
  const error = await loadPlaybook(`${FIXTURES}/bad/${file}`).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('loadPlaybook: bad playbooks name file:line:column', () => {
  // [fixture, file:line:column the message starts with, what the message says]
  const cases: [string, string, RegExp][] = [
    ['bad-yaml.yaml', 'bad/bad-yaml.yaml:6:1', /invalid YAML/],
    ['unknown-play-key.yaml', 'bad/unknown-play-key.yaml:3:1', /unknown play keyword 'task' \(did you mean tasks\?\)/],
    ['two-modules.yaml', 'bad/two-modules.yaml:3:5', /2 module keys: command, shell/],
    ['no-module.yaml', 'bad/no-module.yaml:3:5', /no module key \(keys: name, tags\)/],
    // A misspelt keyword is named where it stands, not counted as a second module.
    ['misspelt-keyword.yaml', 'bad/misspelt-keyword.yaml:5:5', /unknown task keyword 'neds' \(did you mean needs\?\)/],
    ['duplicate-id.yaml', 'bad/duplicate-id.yaml:8:9', /duplicate task id 'same' \(first used at .*duplicate-id\.yaml:3:9\)/],
    ['unknown-need.yaml', 'bad/unknown-need.yaml:9:9', /needs: no task with id 'bulid'/],
    ['unknown-notify.yaml', 'bad/unknown-notify.yaml:5:29', /no handler named 'restrt redis' \(did you mean restart redis\?\)/],
    ['cycle-a.yaml', 'bad/cycle-b.yaml:1:20', /import_playbook cycle: .*cycle-a\.yaml -> .*cycle-b\.yaml -> .*cycle-a\.yaml/],
    ['import-tasks-cycle.yaml', 'bad/tasks-cycle.yaml:1:17', /import_tasks cycle/],
    ['import-missing.yaml', 'bad/import-missing.yaml:3:19', /import_tasks: cannot read .*missing\.yaml/],
    ['no-hosts.yaml', 'bad/no-hosts.yaml:1:1', /no 'hosts'/],
    ['unsupported-keyword.yaml', 'bad/unsupported-keyword.yaml:4:5', /'async' is not supported: async tasks are not supported/],
    // An Ansible keyword is named as one, never as a second module key.
    ['ansible-keyword.yaml', 'bad/ansible-keyword.yaml:4:7', /task keyword 'become_flags' is not supported: playgraph does not implement this Ansible keyword yet/],
  ];
  it.each(cases)('%s', async (file, where, message) => {
    const error = await loadError(file);
    expect(error.message.startsWith(`${FIXTURES}/${where}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });
});

describe('loadPlaybook: a good playbook', () => {
  const load = () => loadPlaybook(`${FIXTURES}/good/site.yaml`);
  const task = (tasks: TaskSpec[], id: string) => tasks.find((t) => t.id === id)!;

  it('splices imported playbooks and tasks files in order', async () => {
    const { plays } = await load();
    expect(plays.map((p) => p.name)).toEqual(['Kernel tuning', 'Redis cluster']);
    expect(plays[0].hosts).toBe('redis:extra');
    expect(plays[1].tasks.map((t) => t.id)).toEqual(['build', 'show-uname', 'write-config', 'check-ping', 'with-items', 'meet']);
    // Inlined tasks point into their own file and carry the import's tags.
    const ping = task(plays[1].tasks, 'check-ping');
    expect(ping.position).toEqual({ file: `${FIXTURES}/good/tasks/checks.yaml`, line: 1, column: 3 });
    expect(ping.tags).toEqual(['checks']);
  });

  it('derives ids: unique name slugs, else the place in the play', async () => {
    const { plays } = await load();
    expect(plays[0].tasks.map((t) => t.id)).toEqual(['task1', 'task2']);
    expect(plays[1].handlers[0].id).toBe('restart-redis');
    expect(plays[1].rollback[0].id).toBe('rollback1');
  });

  it('merges vars_files over play vars and resolves module dirs against the playbook', async () => {
    const play = (await load()).plays[1];
    expect(play.vars).toEqual({ redis_version: '7.0.15', redis_port: 7301, redis_ports: [7300, 7400] });
    expect(play.modules).toEqual([expect.stringMatching(/test\/fixtures\/playbooks\/modules$/)]);
    expect(play.become).toBe(true);
    expect(play.baseDir).toMatch(/test\/fixtures\/playbooks\/good$/);
  });

  it('normalises keywords and module names', async () => {
    const play = (await load()).plays[1];
    expect(task(play.tasks, 'show-uname')).toMatchObject({
      module: 'core.command', params: { cmd: 'uname -a' }, tags: ['info', 'facts'], register: 'uname_result', changedWhen: false,
    });
    expect(task(play.tasks, 'write-config')).toMatchObject({
      module: 'core.template', needs: ['build'], notify: ['Restart redis'], loop: '{{ redis_ports }}', loopVar: 'port',
      when: ['redis_ports is defined', 'port > 0'],
    });
    // with_items keeps its terms; its lookup flattens them when the task runs (loop-lookups.ts).
    expect(task(play.tasks, 'with-items')).toMatchObject({ loop: [[1, 2], 3], loopWith: 'items' });
    expect(task(play.tasks, 'meet')).toMatchObject({
      module: 'redis.meet', params: {}, runOnce: true, needs: ['build', 'write-config'], retries: 5, delay: 2,
      until: 'meet_result.rc == 0', vars: { timeout: 10 },
    });
    expect(play.handlers[0]).toMatchObject({ module: 'core.shell', params: { cmd: 'systemctl restart redis' } });
  });

  it('records the position of every key', async () => {
    const meet = task((await load()).plays[1].tasks, 'meet');
    const file = `${FIXTURES}/good/site.yaml`;
    expect(meet.position).toEqual({ file, line: 36, column: 7 });
    expect(Object.keys(meet.keyPositions).sort()).toEqual(
      ['delay', 'id', 'needs', 'redis.meet', 'register', 'retries', 'run_once', 'until', 'vars'].sort(),
    );
    expect(meet.keyPositions.until).toEqual({ file, line: 42, column: 14 });
    const config = task((await load()).plays[1].tasks, 'write-config');
    expect(config.keyPositions['ansible.builtin.template']).toEqual({ file, line: 25, column: 9 });
  });
});
