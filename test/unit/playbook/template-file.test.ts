import { describe, expect, it } from 'vitest';
import { UndefinedVariableError } from '../../../src/playbook/template.ts';
import { locateLookup, renderTemplateFile } from '../../../src/playbook/template-file.ts';

const text = ['# port {{ port }}', 'bind {{ addr }}', '{% for n in nodes %}node {{ n.port }} {{ n.id }}{% endfor %}', 'x {{ portal }}'].join('\n');

describe('locateLookup', () => {
  it('finds the first use inside a tag, as a whole word', () => {
    expect(locateLookup(text, 'addr')).toEqual({ line: 2, column: 9 });
    expect(locateLookup(text, 'portal')).toEqual({ line: 4, column: 6 });
    expect(locateLookup(text, 'nodes')).toEqual({ line: 3, column: 13 });
    expect(locateLookup(text, 'n.id')).toEqual({ line: 3, column: 42 });
  });

  it('misses text outside tags and parts of other names', () => {
    expect(locateLookup('bind addr\n{{ address }}', 'addr')).toBeUndefined();
    expect(locateLookup('{{ x.addr }}', 'addr')).toBeUndefined();
  });
});

describe('renderTemplateFile', () => {
  it('renders with the variables given', () => {
    expect(renderTemplateFile('port {{ port }}\n', { port: 7300 }, '/t/a.j2')).toBe('port 7300\n');
  });

  it('names the file, line and column of an undefined variable and quotes only that line', () => {
    let caught: unknown;
    try {
      renderTemplateFile('a\nb {{ port }}\nc {{ missing.attr }}\n', { port: 1, missing: {} }, '/t/a.j2');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UndefinedVariableError);
    expect((caught as Error).message).toBe(`/t/a.j2:3:6: 'missing.attr' is undefined (in "c {{ missing.attr }}")`);
  });

  it('names the file for other template errors', () => {
    expect(() => renderTemplateFile('{{ 1 | no_such_filter }}', {}, '/t/b.j2')).toThrow(/^\/t\/b\.j2: .*no_such_filter/);
  });
});
