import { describe, expect, it } from 'vitest';
import { commandResult, guardPaths, guardSkipReason, splitCommandLine, stdinBytes } from '../../src/modules/command-line.ts';
import { commandArgv, commandParams } from './command.ts';

describe('splitCommandLine (shlex rules)', () => {
  it.each([
    ['ls -la /tmp', ['ls', '-la', '/tmp']],
    ['  make   -j4  ', ['make', '-j4']],
    [`echo 'a b' "c d"`, ['echo', 'a b', 'c d']],
    [`echo "it's" 'say "hi"'`, ['echo', "it's", 'say "hi"']],
    [`echo "a \\"q\\" \\$HOME"`, ['echo', 'a "q" $HOME']],
    [`echo a\\ b`, ['echo', 'a b']],
    [`echo '' x`, ['echo', '', 'x']],
    [`redis-cli -p 7300 cluster info | grep ok`, ['redis-cli', '-p', '7300', 'cluster', 'info', '|', 'grep', 'ok']],
    [`echo $HOME`, ['echo', '$HOME']],
    [`x=1'2'"3"`, ['x=123']],
  ])('%s', (line, argv) => {
    expect(splitCommandLine(line)).toEqual(argv);
  });

  it('refuses unbalanced quotes', () => {
    expect(() => splitCommandLine(`echo 'oops`)).toThrow(/unterminated single quote/);
    expect(() => splitCommandLine(`echo "oops`)).toThrow(/unterminated double quote/);
  });
});

describe('creates/removes guards', () => {
  it.each([
    { params: {}, facts: {}, skip: null },
    { params: { creates: '/usr/local/bin/redis-server' }, facts: { createsExists: true }, skip: 'skipped, since /usr/local/bin/redis-server exists' },
    { params: { creates: '/usr/local/bin/redis-server' }, facts: { createsExists: false }, skip: null },
    { params: { removes: '/tmp/build' }, facts: { removesExists: false }, skip: 'skipped, since /tmp/build does not exist' },
    { params: { removes: '/tmp/build' }, facts: { removesExists: true }, skip: null },
    { params: { creates: 'src/redis-server', chdir: '/opt/redis' }, facts: { createsExists: true }, skip: 'skipped, since /opt/redis/src/redis-server exists' },
  ])('$params with $facts', ({ params, facts, skip }) => {
    expect(guardSkipReason(guardPaths(params), facts)).toBe(skip);
  });
});

describe('command params and result', () => {
  it('takes cmd or argv, never both or neither', () => {
    expect(commandArgv(commandParams.parse({ cmd: 'make install' }))).toEqual(['make', 'install']);
    expect(commandArgv(commandParams.parse({ argv: ['make', 'a b'] }))).toEqual(['make', 'a b']);
    expect(commandParams.safeParse({ cmd: 'ls', argv: ['ls'] }).success).toBe(false);
    expect(commandParams.safeParse({}).success).toBe(false);
    expect(commandParams.safeParse({ cmd: `echo 'x` }).success).toBe(false);
  });

  it('registers rc, stdout without its final newline, and lines', () => {
    const result = commandResult({ code: 0, stdout: 'a\nb\n', stderr: '', commandLine: 'x' }, ['x']);
    expect(result).toEqual({ cmd: ['x'], rc: 0, stdout: 'a\nb', stderr: '', stdout_lines: ['a', 'b'], stderr_lines: [] });
  });

  it('adds a newline to stdin unless told not to', () => {
    expect(stdinBytes('yes', true)).toBe('yes\n');
    expect(stdinBytes('yes', false)).toBe('yes');
    expect(stdinBytes(undefined, true)).toBeUndefined();
  });
});
