import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { createModuleRegistry, resolveModuleName } from '../../../src/modules/registry.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/modules/', import.meta.url));
const userDir = path.join(fixtures, 'user');
const CORE = ['command', 'shell', 'file', 'copy', 'template', 'sysctl', 'package', 'user', 'wait_for'];

describe('resolveModuleName', () => {
  it.each([
    ['file', 'core.file'],
    ['ansible.builtin.file', 'core.file'],
    ['ansible.legacy.command', 'core.command'],
    ['core.copy', 'core.copy'],
    ['redis.build', 'redis.build'],
    ['wait_for', 'core.wait_for'],
    ['apt', 'core.package'],
    ['ansible.builtin.apt', 'core.package'],
    ['ansible.builtin.package', 'core.package'],
  ])('%s -> %s', (name, resolved) => {
    expect(resolveModuleName(name)).toBe(resolved);
  });
});

describe('createModuleRegistry', () => {
  it('loads every core module from the built-in tasks/ dir under its own name', async () => {
    const registry = createModuleRegistry([]);
    for (const name of CORE) {
      const taskModule = await registry.get(name);
      expect(taskModule.name).toBe(`core.${name}`);
    }
    expect(await registry.get('ansible.builtin.copy')).toBe(await registry.get('core.copy'));
  });

  it('lists built-in modules with summaries, skipping test files', async () => {
    const infos = await createModuleRegistry([]).list();
    const names = infos.map((info) => info.name);
    for (const name of CORE) expect(names).toContain(`core.${name}`);
    expect(infos.every((info) => info.summary.length > 0 && !info.file.endsWith('.test.ts'))).toBe(true);
    expect(infos.find((info) => info.name === 'core.file')?.builtin).toBe(true);
  });

  it('lets a user dir override a built-in module and add its own', async () => {
    const registry = createModuleRegistry([userDir]);
    const file = await registry.get('file');
    expect(file.summary).toBe('fixture override of core.file');
    expect((await registry.get('extra.hello')).name).toBe('extra.hello');
    const infos = await registry.list();
    expect(infos.find((info) => info.name === 'core.file')).toMatchObject({ builtin: false, file: path.join(userDir, 'core', 'file.ts') });
    expect(infos.find((info) => info.name === 'extra.hello')?.builtin).toBe(false);
    expect(infos.map((info) => info.name)).not.toContain('extra.hello.test');
  });

  it('refuses a module whose declared name differs from its path, naming the file', async () => {
    const registry = createModuleRegistry([path.join(fixtures, 'mismatch')]);
    const error = await registry.get('extra.named_wrong').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).position?.file).toBe(path.join(fixtures, 'mismatch', 'extra', 'named_wrong.ts'));
    expect((error as Error).message).toContain("declares name 'extra.named_right'");
  });

  it('reports an unknown module at the task position with a suggestion and the namespaces searched', async () => {
    const registry = createModuleRegistry([userDir]);
    const position = { file: 'play.yaml', line: 7, column: 5 };
    const error = await registry.get('fiel', position).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).position).toEqual(position);
    const message = (error as Error).message;
    expect(message).toMatch(/^play\.yaml:7:5: unknown module 'fiel' \(did you mean core\.file\?\)/);
    expect(message).toMatch(/namespaces searched: .*core.*extra/);
    expect(message).toContain(userDir);
  });

  it('gives no suggestion when nothing is close', async () => {
    const error = await createModuleRegistry([]).get('zzzzzzzz.qqqqqq').catch((caught: unknown) => caught);
    expect((error as Error).message).not.toContain('did you mean');
  });

  it('reports a missing user modules dir as bad input', async () => {
    const error = await createModuleRegistry([path.join(fixtures, 'no-such-dir')]).get('file').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('modules directory not found');
  });
});
