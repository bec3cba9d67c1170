import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { becomeAsFor, becomeFor } from '../../../src/run/become.ts';
import { play, task } from '../../helpers/play.ts';

describe('becomeFor', () => {
  it.each([
    // [task keyword, play keyword, ansible_become variable, expected]
    [undefined, undefined, undefined, false],
    [true, undefined, undefined, true],
    [undefined, true, undefined, true],
    [false, true, undefined, false],
    // Ansible's strict boolean: the strings users write in INI inventories and -e.
    [undefined, undefined, 'no', false],
    [undefined, undefined, 'false', false],
    [undefined, undefined, 'False', false],
    [undefined, undefined, '0', false],
    [undefined, undefined, 'yes', true],
    [undefined, undefined, 'true', true],
    [undefined, undefined, 1, true],
    // The variable overrides the keywords (connection variables win, as in Ansible).
    [true, true, 'no', false],
    [true, undefined, false, false],
    [false, false, 'yes', true],
  ] as const)('task %s, play %s, ansible_become %s: %s', (taskBecome, playBecome, variable, expected) => {
    const vars = variable === undefined ? {} : { ansible_become: variable };
    expect(becomeFor(task('t', { become: taskBecome }), play([], { become: playBecome }), vars, 'web1')).toBe(expected);
  });

  it('refuses a value that is not a boolean, naming the host', () => {
    const run = () => becomeFor(task('t'), play([]), { ansible_become: 'sometimes' }, 'web1');
    expect(run).toThrow(InputError);
    expect(run).toThrow(/host web1: ansible_become must be a boolean/);
  });
});

describe('becomeAsFor', () => {
  it.each([
    // [task keywords, play keywords, variables, expected]
    [{}, {}, {}, {}],
    [{}, { becomeUser: 'redis', becomeMethod: 'su' }, {}, { becomeUser: 'redis', becomeMethod: 'su' }],
    [{ becomeUser: 'app' }, { becomeUser: 'redis', becomeMethod: 'su' }, {}, { becomeUser: 'app', becomeMethod: 'su' }],
    [{ becomeUser: '{{ who }}' }, {}, { who: 'web' }, { becomeUser: 'web' }],
    // The host's variables win over every keyword, as Ansible's connection variables do.
    [{ becomeUser: 'app', becomeMethod: 'sudo' }, { becomeUser: 'redis' }, { ansible_become_user: 'ops', ansible_become_method: 'su' }, { becomeUser: 'ops', becomeMethod: 'su' }],
  ])('task %j, play %j, vars %j -> %j', (taskKeywords, playKeywords, vars, expected) => {
    expect(becomeAsFor(task('t', taskKeywords), play([], playKeywords), vars, 'h')).toEqual(expected);
  });

  it('refuses a method the connections cannot run, naming the host', () => {
    expect(() => becomeAsFor(task('t', { becomeMethod: '{{ m }}' }), play([]), { m: 'doas' }, 'web1')).toThrow(/host web1: become method 'doas' is not supported/);
  });
});
