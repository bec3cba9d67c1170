import { z } from 'zod';
import type { Command } from '../../src/connect/connection.ts';
import { CommandError } from '../../src/errors.ts';
import { defineModule } from '../../src/modules/module.ts';

// Ansible's raw (ansible/plugins/action/raw.py): the command line as it is, given to the host's
// shell (or to `executable -c`), nothing else needed on the host, no python: the way to
// bootstrap one. Always changed; a non-zero exit fails the task with rc, stdout and stderr.

export const rawParams = z.strictObject({
  cmd: z.string().min(1).describe('The command line (the free-form text after raw:), run by the host\'s shell'),
  executable: z.string().min(1).optional().describe('Shell to run the command with (`executable -c <cmd>`), e.g. /bin/bash'),
});

export type RawParams = z.infer<typeof rawParams>;

/** Pure: what runs on the host. No executable: `sh -c`, the POSIX shell every host has. */
export function rawCommand(params: RawParams): Command {
  return params.executable === undefined ? { shell: params.cmd } : [params.executable, '-c', params.cmd];
}

/** Lines as Ansible's stdout_lines: split on line ends, no empty last line. */
export function outputLines(text: string): string[] {
  return text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
}

/** Ansible's raw result: stdout and stderr as they came (raw does not strip them), with their lines. */
export function rawResult(result: { code: number | null; stdout: string; stderr: string }): Record<string, unknown> {
  return {
    rc: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
    stdout_lines: outputLines(result.stdout),
    stderr_lines: outputLines(result.stderr),
  };
}

export const taskModule = defineModule<RawParams, { command: Command }>({
  name: 'core.raw',
  summary: 'Run a command line through the host\'s shell, nothing else needed there (no python); always changed',
  params: rawParams,

  async check(_ctx, params) {
    return { status: 'change', description: `run ${params.cmd}`, state: { command: rawCommand(params) } };
  },

  async apply(ctx, _params, { command }) {
    const result = await ctx.conn.exec(command, { become: ctx.become, signal: ctx.signal });
    if (result.code !== 0) throw new CommandError(ctx.conn.hostName, result.commandLine, result.code, result.stderr);
    return { changed: true, result: rawResult(result) };
  },
});
