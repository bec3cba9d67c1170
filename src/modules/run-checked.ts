import type { Command, ExecOptions, ExecResult } from '../connect/connection.ts';
import { CommandError } from '../errors.ts';
import type { TaskContext } from './module.ts';

/**
 * A command's result that must have succeeded: a non-zero exit (or none, killed) becomes a
 * CommandError with the host, command line, exit code and stderr, unless `allowedCodes` lists
 * it. For a result a module looked at first (a retry, a fallback) before deciding it must pass.
 */
export function assertSucceeded(ctx: Pick<TaskContext, 'conn'>, result: ExecResult, allowedCodes: readonly number[] = [0]): ExecResult {
  if (result.code === null || !allowedCodes.includes(result.code)) {
    throw new CommandError(ctx.conn.hostName, result.commandLine, result.code, result.stderr);
  }
  return result;
}

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
  return assertSucceeded(ctx, result, allowedCodes);
}
