import { describe, expect, it } from 'vitest';
import { renderValue } from '../../../src/playbook/template.ts';
import { renderParams } from '../../../src/run/render-params.ts';

describe('lookup()', () => {
  it("reads the controller's environment, '' when unset", () => {
    process.env['PG_LOOKUP_TEST'] = '/home/op';
    expect(renderValue("{{ lookup('env', 'PG_LOOKUP_TEST') }}/.local", {})).toBe('/home/op/.local');
    expect(renderValue("{{ lookup('env', 'PG_LOOKUP_UNSET_X') }}", {})).toBe('');
  });

  it('refuses a plugin it does not have, by name', () => {
    expect(() => renderValue("{{ lookup('pipe', 'date') }}", {})).toThrow(/pipe/);
  });
});

describe('renderParams', () => {
  it('leaves out params rendered to omit, keeps the rest', () => {
    const params = { a: '{{ x | default(omit) }}', b: '{{ y | default(omit) }}', list: ['{{ z | default(omit) }}', 1] };
    expect(renderParams(params, { x: 'set' })).toEqual({ a: 'set', list: [1] });
  });
});

describe('undefined values through filters', () => {
  it('a filter applied to an undefined attribute reports the variable, not the filter', async () => {
    const { UndefinedVariableError } = await import('../../../src/playbook/template.ts');
    expect(() => renderValue('{{ count.stdout | trim }} files', {})).toThrow(UndefinedVariableError);
    try {
      renderValue('{{ count.stdout | trim }} files', {});
    } catch (error) {
      expect((error as InstanceType<typeof UndefinedVariableError>).variable).toBe('count');
    }
  });
});
