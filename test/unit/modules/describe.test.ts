import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { describeParams, validateParams } from '../../../src/modules/describe.ts';
import { taskModule as fileModule } from '../../../tasks/core/file.ts';
import { taskModule as commandModule } from '../../../tasks/core/command.ts';
import { taskModule as copyModule } from '../../../tasks/core/copy.ts';
import { createModuleRegistry } from '../../../src/modules/registry.ts';

const position = { file: 'site.yaml', line: 12, column: 7 };

function validationError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('describeParams', () => {
  it('describes core.file params with types, defaults and required flags', () => {
    const params = describeParams(fileModule.params);
    expect(params.map((param) => param.name)).toEqual(['path', 'state', 'mode', 'owner', 'group', 'src', 'recurse', 'force']);
    expect(params.find((param) => param.name === 'path')).toMatchObject({ type: 'string', required: true });
    expect(params.find((param) => param.name === 'state')).toMatchObject({
      type: '"file"|"directory"|"absent"|"touch"|"link"',
      required: false,
    });
    expect(params.find((param) => param.name === 'recurse')).toMatchObject({ type: 'boolean', required: false, default: false });
    expect(params.find((param) => param.name === 'mode')?.type).toBe('string|integer');
  });

  it('describes lists', () => {
    const argv = describeParams(commandModule.params).find((param) => param.name === 'argv');
    expect(argv).toMatchObject({ type: 'list of string', required: false });
  });

  it('every param of every built-in module has a description', async () => {
    for (const info of await createModuleRegistry([]).list()) {
      if (!info.builtin || !info.name.startsWith('core.')) continue;
      const taskModule = await createModuleRegistry([]).get(info.name);
      for (const param of describeParams(taskModule.params)) {
        expect(param.description, `${info.name}.${param.name}`).toBeTruthy();
      }
    }
  });
});

describe('validateParams', () => {
  it('fills in defaults', () => {
    expect(validateParams(fileModule, { path: '/tmp/x' }, position)).toEqual({ path: '/tmp/x', recurse: false, force: false });
  });

  it('names the module, the param, expected and received type, at the position', () => {
    const error = validationError(() => validateParams(fileModule, { path: ['/x'] }, position));
    expect(error.position).toEqual(position);
    expect(error.message).toBe('site.yaml:12:7: core.file: param \'path\': Invalid input: expected string, received array');
  });

  it('converts a scalar of the wrong type as Ansible\'s argument spec does', () => {
    expect(validateParams(fileModule, { path: 42, recurse: 'yes', force: 'off' }, position)).toEqual({ path: '42', recurse: true, force: false });
    expect(validateParams(copyModule, { dest: '/x', content: true }, position)).toMatchObject({ content: 'True' });
    const error = validationError(() => validateParams(fileModule, { path: '/x', recurse: 'maybe' }, position));
    expect(error.message).toContain("param 'recurse'");
  });

  it('lists the allowed values of an enum', () => {
    const error = validationError(() => validateParams(fileModule, { path: '/x', state: 'present' }, position));
    expect(error.message).toContain('param \'state\'');
    expect(error.message).toContain('"directory"');
  });

  it('suggests a close name for an unknown param', () => {
    const error = validationError(() => validateParams(fileModule, { path: '/x', moed: '0644' }, position));
    expect(error.message).toContain("unknown param 'moed' (did you mean mode?)");
  });

  it('reports a bad octal mode string', () => {
    const error = validationError(() => validateParams(fileModule, { path: '/x', mode: '0984' }, position));
    expect(error.message).toContain("param 'mode'");
  });

  it('reports a nested path', () => {
    const error = validationError(() => validateParams(commandModule, { argv: ['ls', { a: 1 }] }, position));
    expect(error.message).toContain("param 'argv[1]'");
  });

  it('reports a missing required param and object-level rules', () => {
    expect(validationError(() => validateParams(fileModule, {}, position)).message).toContain("param 'path'");
    expect(validationError(() => validateParams(copyModule, { dest: '/x' }, position)).message).toContain('exactly one of content or src');
  });
});
