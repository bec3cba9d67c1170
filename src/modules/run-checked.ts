import type { Command, ExecOptions, ExecResult } from '../connect/connection.ts';
import { CommandError } from '../errors.ts';
import type { TaskContext } from './module.ts';

/**
 * Runs a command on the task's host as root when the task asked for it, with the task's abort
 * signal; a non-zero exit becomes a CommandError (exit code and stderr) unless `allowedCodes`
 * lists it, because most module commands are steps that must succeed.
 */
export async function runChecked(
  ctx: TaskContext,
  command: Command,
  options: ExecOptions & { allowedCodes?: number[] } = {},
): Promise<ExecResult> {
  const { allowedCodes = [0], ...execOptions } = options;
  const result = await ctx.conn.exec(command, { become: ctx.become, signal: ctx.signal, ...execOptions });
  if (result.code === null || !allowedCodes.includes(result.code)) {
    throw new CommandError(ctx.conn.hostName, result.commandLine, result.code, result.stderr);
  }
  return result;
}
