import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { UndefinedVariableError, evaluateCondition, renderValue } from '../../../src/playbook/template.ts';

const vars = {
  port: 7300,
  ports: [7300, 7301, 7302],
  name: ' Redis ',
  nodes: { a: { ip: '10.0.0.1' } },
  result: { rc: 0, stdout: 'ok', changed: true, failed: false },
  users: [{ name: 'ann', admin: true }, { name: 'bob' }],
  password: 's3cr3t-value',
  flag: 'no',
  base: { a: 1, b: { c: 1 } },
  // nunjucks' lexer ends an expression at any `}}`, so nested dict literals need a space: `} }`.
};
const at = { file: 'play.yaml', line: 7, column: 9 };

describe('renderValue: native values for a lone {{ expr }}', () => {
  const cases: [string, unknown][] = [
    ['{{ port }}', 7300],
    ['{{ ports }}', [7300, 7301, 7302]],
    ['{{ nodes.a }}', { ip: '10.0.0.1' }],
    ['{{ port > 1 }}', true],
    // Ansible prints None as nothing, and a lone expression's None is that empty text.
    ['{{ None }}', ''],
    ['port {{ port }}', 'port 7300'],
    ['{{ port }}{{ port }}', '73007300'],
    ['no template', 'no template'],
    ['{% for p in ports %}{{ p }},{% endfor %}', '7300,7301,7302,'],
  ];
  it.each(cases)('%s', (template, expected) => {
    expect(renderValue(template, vars)).toEqual(expected);
  });

  it('renders strings nested in objects and arrays', () => {
    expect(renderValue({ a: ['{{ port }}', { b: 'x{{ port + 1 }}' }], n: 3 }, vars)).toEqual({ a: [7300, { b: 'x7301' }], n: 3 });
  });
});

describe('renderValue: Ansible filters', () => {
  const cases: [string, unknown][] = [
    ["{{ missing | default('d') }}", 'd'],
    ["{{ missing.deep.path | d(1) }}", 1],
    ["{{ '' | default('e', true) }}", 'e'],
    ['{{ ports | join(",") }}', '7300,7301,7302'],
    ['{{ ports | length }}', 3],
    ["{{ '42' | int + 1 }}", 43],
    ["{{ '1.5' | float }}", 1.5],
    ["{{ flag | bool }}", false],
    ['{{ name | trim | lower }}', 'redis'],
    ['{{ name | upper | replace("R", "r") }}', ' rEDIS '],
    // Inside {{ }} a backslash is literal (Ansible's escape_backslashes): one is enough.
    ["{{ 'node-7300.conf' | regex_replace('(\\d+)', 'N\\1') }}", 'node-N7300.conf'],
    ["{{ 'port 7300 up' | regex_search('\\d+') }}", '7300'],
    ["{{ 'x' | regex_search('\\d+') }}", ''],
    ['{{ nodes | to_json }}', '{"a": {"ip": "10.0.0.1"}}'],
    ['{{ \'{"k": [1]}\' | from_json }}', { k: [1] }],
    ['{{ {"k": 1} | to_yaml }}', '{k: 1}\n'],
    ["{{ 'hi' | b64encode }}", 'aGk='],
    ["{{ 'aGk=' | b64decode }}", 'hi'],
    ['{{ ports | first }}', 7300],
    ['{{ ports | last }}', 7302],
    ['{{ [3, 1, 3, 2] | unique | sort }}', [1, 2, 3]],
    ['{{ ports | min }}', 7300],
    ['{{ ports | max }}', 7302],
    ['{{ ports | sum }}', 21903],
    ['{{ nodes | dict2items }}', [{ key: 'a', value: { ip: '10.0.0.1' } }]],
    ['{{ [{"key": "x", "value": 1}] | items2dict }}', { x: 1 }],
    ["{{ users | map(attribute='name') | list }}", ['ann', 'bob']],
    ["{{ ports | map('string') | list }}", ['7300', '7301', '7302']],
    ["{{ users | selectattr('admin', 'defined') | map(attribute='name') | list }}", ['ann']],
    ["{{ users | rejectattr('admin') | map(attribute='name') | list }}", ['bob']],
    ['{{ ports | select("even") | list }}', [7300, 7302]],
    ['{{ ports | reject("even") | list }}', [7301]],
    ['{{ base | combine({"b": {"d": 2} }) }}', { a: 1, b: { d: 2 } }],
    ['{{ base | combine({"b": {"d": 2} }, recursive=true) }}', { a: 1, b: { c: 1, d: 2 } }],
    ['{{ ports | zip(["a", "b"]) | list }}', [[7300, 'a'], [7301, 'b']]],
    ['{{ range(3) | list }}', [0, 1, 2]],
    ['{{ [1, [2, [3]]] | flatten }}', [1, 2, 3]],
    ['{{ [1, [2, [3]]] | flatten(1) }}', [1, 2, [3]]],
    ["{{ '/etc/redis/7300.conf' | basename }}", '7300.conf'],
    ["{{ '/etc/redis/7300.conf' | dirname }}", '/etc/redis'],
    ['{{ "it\'s here" | quote }}', `'it'"'"'s here'`],
    ["{{ (port == 7300) | ternary('master', 'replica') }}", 'master'],
    ['{{ port | mandatory }}', 7300],
    ["{{ '%s:%d %%' | format('host', port) }}", 'host:7300 %'],
    ['{% for k, v in nodes.items() %}{{ k }}={{ v.ip }}{% endfor %}', 'a=10.0.0.1'],
  ];
  it.each(cases)('%s', (template, expected) => {
    expect(renderValue(template, vars)).toEqual(expected);
  });
});

describe('undefined variables are errors', () => {
  const cases: [string, string, string][] = [
    // [template, variable, undefined path]
    ['{{ nope }}', 'nope', 'nope'],
    ['port {{ nope }}', 'nope', 'nope'],
    ['{{ nope.attr }}', 'nope', 'nope.attr'],
    ['{{ result.stdout_lines }}', 'result', 'result.stdout_lines'],
    ['{{ nodes.b.ip }}', 'nodes', 'nodes.b.ip'],
    ['{{ ports[5] }}', 'ports', 'ports[5]'],
    ['{{ nope | length }}', 'nope', 'nope'],
    ['{{ nope | mandatory }}', 'nope', 'nope'],
    ['{{ nope == 1 }}', 'nope', 'nope'],
    ['{{ port if nope else 1 }}', 'nope', 'nope'],
    ['{% for x in nope %}{{ x }}{% endfor %}', 'nope', 'nope'],
  ];
  it.each(cases)('%s', (template, variable, path) => {
    let error: unknown;
    try {
      renderValue(template, vars, at);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UndefinedVariableError);
    expect(error).toBeInstanceOf(InputError);
    const undefinedError = error as UndefinedVariableError;
    expect(undefinedError.variable).toBe(variable);
    expect(undefinedError.message).toContain(`play.yaml:7:9: '${path}' is undefined`);
    expect(undefinedError.message).toContain(JSON.stringify(template).slice(1, -1));
    expect(undefinedError.position).toEqual(at);
  });

  it('lets default and defined handle them', () => {
    expect(renderValue("{{ nope if nope is defined else 'fallback' }}", vars)).toBe('fallback');
    expect(renderValue('{{ port | default(nope) }}', vars)).toBe(7300);
    expect(renderValue("{{ nope is not defined }}", vars)).toBe(true);
  });

  it('never puts rendered values in error messages', () => {
    const errors: string[] = [];
    for (const template of ['{{ password | from_json }}', '{{ password.missing }}', '{{ password | regex_replace("(", "") }}']) {
      try {
        renderValue(template, vars, at);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    expect(errors).toHaveLength(3);
    for (const message of errors) expect(message).not.toContain('s3cr3t');
  });

  it('names an unknown filter', () => {
    expect(() => renderValue('{{ port | no_such_filter }}', vars, at)).toThrow(/filter not found: no_such_filter/);
  });

  it('reports template syntax errors as InputError at the position', () => {
    expect(() => renderValue('{{ port + }}', vars, at)).toThrow(/^play\.yaml:7:9: invalid template "\{\{ port \+ \}\}"/);
  });
});

describe('evaluateCondition', () => {
  const cases: [string | boolean, boolean][] = [
    [true, true],
    [false, false],
    ['result.rc == 0', true],
    ['result.rc == 0 and nope is not defined', true],
    ['nope is defined and nope > 1', false],
    ['nope is undefined or nope', true],
    ['result is changed', true],
    ['result is failed', false],
    ['result is succeeded', true],
    ['7300 in ports', true],
    ['1 in ports', false],
    ["result.stdout is match('o')", true],
    ["result.stdout is search('k')", true],
    ["'x' is string and port is number and nodes is mapping and ports is iterable", true],
    ['None is none', true],
    ['ports', true],
    ['[]', false],
    ['{}', false],
    // Ansible 2.14 judges a bare string by Python's truthiness: 'no' is true (write `flag | bool`).
    ['flag', true],
    ['flag | bool', false],
    ['"{{ port == 7300 }}"', true],
    ['{{ port == 1 }}', false],
  ];
  it.each(cases)('%s -> %s', (condition, expected) => {
    expect(evaluateCondition(condition, vars)).toBe(expected);
  });

  it.each(['nope', 'not nope', 'nope and port', 'nope == 1', 'nope in ports', 'result.missing == 0'])('%s is an undefined error', (condition) => {
    expect(() => evaluateCondition(condition, vars, at)).toThrow(UndefinedVariableError);
  });
});
