import { describe, expect, it } from 'vitest';
import { validateParams } from '../../src/modules/describe.ts';
import { FACTS_CACHEABLE } from '../../src/run/result-facts.ts';
import { setFactResult, taskModule } from './set_fact.ts';

const params = (raw: unknown) => validateParams(taskModule, raw);

describe('set_fact', () => {
  it('sets every key but cacheable as ansible_facts, not cacheable by default', () => {
    expect(setFactResult(params({ a: 1, b: { c: [1] } }))).toEqual({ changed: false, ansible_facts: { a: 1, b: { c: [1] } }, [FACTS_CACHEABLE]: false });
    expect(setFactResult(params({ a: 'x', cacheable: 'yes' }))).toEqual({ changed: false, ansible_facts: { a: 'x' }, [FACTS_CACHEABLE]: true });
  });

  it('turns the strings true/false/yes/no (any case) into booleans, as Ansible without jinja2_native', () => {
    expect(setFactResult(params({ a: 'yes', b: 'False', c: 'on', d: '1' })).ansible_facts).toEqual({ a: true, b: false, c: 'on', d: '1' });
  });

  it('refuses no variables and names that are not identifiers', () => {
    expect(() => params({})).toThrow(/No key\/value pairs provided/);
    expect(() => params({ cacheable: true })).toThrow(/No key\/value pairs provided/);
    expect(() => params({ '1x': 1 })).toThrow(/The variable name '1x' is not valid/);
    expect(() => params({ 'a-b': 1 })).toThrow(/The variable name 'a-b' is not valid/);
    expect(() => params({ class: 1 })).toThrow(/The variable name 'class' is not valid/);
  });
});
