import { z } from 'zod';
import type { Command } from '../../src/connect/connection.ts';
import { checkGuards, runUserCommand } from '../../src/modules/command-line.ts';
import { defineModule } from '../../src/modules/module.ts';

// Runs a shell script: the one place a user's text reaches a shell as written.

export const shellParams = z.strictObject({
  cmd: z.string().min(1).describe('The shell script to run'),
  executable: z.string().optional().describe('Shell to run the script with, e.g. /bin/bash (default: sh)'),
  creates: z.string().optional().describe('Skip the script when this path exists'),
  removes: z.string().optional().describe('Run the script only when this path exists'),
  chdir: z.string().optional().describe('Directory to run the script in'),
  stdin: z.string().optional().describe('Text written to the script\'s standard input'),
  stdin_add_newline: z.boolean().default(true).describe('Append a newline to stdin'),
});

export type ShellParams = z.infer<typeof shellParams>;

/** `sh -c script` through the connection, or the chosen shell's `-c`, as an argv (never concatenated). */
export function shellCommand(params: Pick<ShellParams, 'cmd' | 'executable'>): Command {
  return params.executable ? [params.executable, '-c', params.cmd] : { shell: params.cmd };
}

export const taskModule = defineModule<ShellParams, { command: Command }>({
  name: 'core.shell',
  summary: 'Run a shell script; always changed unless creates/removes skip it',
  params: shellParams,

  async check(ctx, params) {
    const skip = await checkGuards((target) => ctx.conn.stat(target, { become: ctx.become }), params);
    if (skip) return { status: 'ok', reason: skip, result: { rc: 0, stdout: '', stderr: '', msg: skip } };
    const firstLine = params.cmd.trim().split('\n')[0];
    const more = params.cmd.trim().includes('\n') ? ' ...' : '';
    return { status: 'change', description: `run shell: ${firstLine}${more}`, state: { command: shellCommand(params) } };
  },

  apply: (ctx, params, { command }) => runUserCommand(ctx, params, command, params.cmd),
});
