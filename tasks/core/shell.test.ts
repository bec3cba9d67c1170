import { describe, expect, it } from 'vitest';
import { shellCommand, shellParams } from './shell.ts';

describe('shellCommand', () => {
  it('runs the script through sh -c by default', () => {
    expect(shellCommand({ cmd: 'echo $HOME | wc -c' })).toEqual({ shell: 'echo $HOME | wc -c' });
  });

  it('passes the script as one argument to a chosen shell', () => {
    expect(shellCommand({ cmd: 'set -o pipefail; make | tee log', executable: '/bin/bash' })).toEqual([
      '/bin/bash',
      '-c',
      'set -o pipefail; make | tee log',
    ]);
  });

  it('requires cmd', () => {
    expect(shellParams.safeParse({}).success).toBe(false);
    expect(shellParams.parse({ cmd: 'true' }).stdin_add_newline).toBe(true);
  });
});
