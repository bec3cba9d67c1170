import { describe, expect, it } from 'vitest';
import { outputLines, rawCommand, rawParams, rawResult } from './raw.ts';

describe('raw', () => {
  it('runs the line through sh, or through executable -c', () => {
    expect(rawCommand(rawParams.parse({ cmd: 'echo $HOME | wc -c' }))).toEqual({ shell: 'echo $HOME | wc -c' });
    expect(rawCommand(rawParams.parse({ cmd: 'echo {a,b}', executable: '/bin/bash' }))).toEqual(['/bin/bash', '-c', 'echo {a,b}']);
  });

  it('registers stdout and stderr unstripped, with their lines', () => {
    expect(rawResult({ code: 0, stdout: 'a\nb\n', stderr: '' })).toEqual({
      rc: 0,
      stdout: 'a\nb\n',
      stderr: '',
      stdout_lines: ['a', 'b'],
      stderr_lines: [],
    });
    expect(outputLines('x\r\ny')).toEqual(['x', 'y']);
  });

  it('needs a command', () => {
    expect(rawParams.safeParse({}).success).toBe(false);
    expect(rawParams.safeParse({ cmd: '' }).success).toBe(false);
  });
});
