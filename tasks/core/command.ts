import { z } from 'zod';
import { quoteCommand } from '../../src/connect/quote.ts';
import { checkGuards, runUserCommand, splitCommandLine } from '../../src/modules/command-line.ts';
import { defineModule } from '../../src/modules/module.ts';

// Runs a program with arguments, no shell: pipes, redirects and `$VARS` are passed literally.

export const commandParams = z
  .strictObject({
    cmd: z
      .string()
      .min(1)
      .refine((line) => {
        try {
          return splitCommandLine(line).length > 0;
        } catch {
          return false;
        }
      }, 'expected a command line with balanced quotes')
      .optional()
      .describe('The command line, split into arguments with shell-like quoting (no shell runs it)'),
    argv: z.array(z.string()).min(1).optional().describe('The command as a list of arguments (instead of cmd)'),
    creates: z.string().optional().describe('Skip the command when this path exists'),
    removes: z.string().optional().describe('Run the command only when this path exists'),
    chdir: z.string().optional().describe('Directory to run the command in'),
    stdin: z.string().optional().describe('Text written to the command\'s standard input'),
    stdin_add_newline: z.boolean().default(true).describe('Append a newline to stdin'),
  })
  .refine((params) => (params.cmd === undefined) !== (params.argv === undefined), {
    message: 'give exactly one of cmd or argv',
  });

export type CommandParams = z.infer<typeof commandParams>;

export function commandArgv(params: Pick<CommandParams, 'cmd' | 'argv'>): string[] {
  return params.argv ?? splitCommandLine(params.cmd ?? '');
}

export const taskModule = defineModule<CommandParams, { argv: string[] }>({
  name: 'core.command',
  summary: 'Run a command (argv, no shell); always changed unless creates/removes skip it',
  params: commandParams,

  async check(ctx, params) {
    const skip = await checkGuards((target) => ctx.conn.stat(target, { become: ctx.become }), params);
    if (skip) return { status: 'ok', reason: skip, result: { rc: 0, stdout: '', stderr: '', msg: skip } };
    const argv = commandArgv(params);
    return { status: 'change', description: `run ${quoteCommand(argv)}`, state: { argv } };
  },

  apply: (ctx, params, { argv }) => runUserCommand(ctx, params, argv, argv),
});
