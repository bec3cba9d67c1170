import path from 'node:path';
import type { Command, ExecResult } from '../connect/connection.ts';
import { CommandError } from '../errors.ts';
import type { ApplyResult, TaskContext } from './module.ts';

// Shared by the command and shell modules: splitting a `cmd` string the way Python's shlex does
// (Ansible's command module uses it), `creates`/`removes` guards, and the registered result.

/** Splits a command line into argv with POSIX quoting rules; no expansion of any kind. */
export function splitCommandLine(line: string): string[] {
  const argv: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote === "'") {
      if (char === "'") quote = null;
      else current += char;
    } else if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1])) current += line[++i];
      else current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\') {
      if (i + 1 < line.length) current += line[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) argv.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote === '"' ? 'double' : 'single'} quote in: ${line}`);
  if (inWord) argv.push(current);
  return argv;
}

export interface GuardParams {
  creates?: string;
  removes?: string;
  chdir?: string;
}

/** Paths the guards test, relative ones taken from `chdir` as Ansible does. */
export function guardPaths(params: GuardParams): { creates?: string; removes?: string } {
  const resolve = (target: string) => (params.chdir ? path.posix.resolve(params.chdir, target) : target);
  return {
    creates: params.creates === undefined ? undefined : resolve(params.creates),
    removes: params.removes === undefined ? undefined : resolve(params.removes),
  };
}

/** Why the command is skipped, or null when it should run. */
export function guardSkipReason(
  paths: { creates?: string; removes?: string },
  facts: { createsExists?: boolean; removesExists?: boolean },
): string | null {
  if (paths.creates !== undefined && facts.createsExists) return `skipped, since ${paths.creates} exists`;
  if (paths.removes !== undefined && facts.removesExists === false) return `skipped, since ${paths.removes} does not exist`;
  return null;
}

/** Checks the guard paths on the host and decides: skip with a reason, or run. */
export async function checkGuards(
  stat: (target: string) => Promise<unknown>,
  params: GuardParams,
): Promise<string | null> {
  const paths = guardPaths(params);
  const createsExists = paths.creates === undefined ? undefined : (await stat(paths.creates)) !== null;
  const removesExists = paths.removes === undefined ? undefined : (await stat(paths.removes)) !== null;
  return guardSkipReason(paths, { createsExists, removesExists });
}

function withoutTrailingNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** The fields `register:` gets from command and shell, named as Ansible names them. */
export function commandResult(result: ExecResult, cmd: string | string[]): Record<string, unknown> {
  const stdout = withoutTrailingNewline(result.stdout);
  const stderr = withoutTrailingNewline(result.stderr);
  return {
    cmd,
    rc: result.code,
    stdout,
    stderr,
    stdout_lines: stdout === '' ? [] : stdout.split(/\r?\n/),
    stderr_lines: stderr === '' ? [] : stderr.split(/\r?\n/),
  };
}

/** Ansible appends a newline to `stdin` unless `stdin_add_newline: false`. */
export function stdinBytes(stdin: string | undefined, addNewline: boolean): string | undefined {
  if (stdin === undefined) return undefined;
  return addNewline ? `${stdin}\n` : stdin;
}

export interface RunParams {
  chdir?: string;
  stdin?: string;
  stdin_add_newline: boolean;
}

/**
 * The apply of `command` and `shell`: run it, fail the task with CommandError on a non-zero
 * exit, register Ansible's result fields (`cmd` as the user wrote it).
 */
export async function runUserCommand(ctx: TaskContext, params: RunParams, command: Command, shown: string | string[]): Promise<ApplyResult> {
  const result = await ctx.conn.exec(command, {
    cwd: params.chdir,
    stdin: stdinBytes(params.stdin, params.stdin_add_newline),
    become: ctx.become,
    signal: ctx.signal,
  });
  if (result.code !== 0) throw new CommandError(ctx.conn.hostName, result.commandLine, result.code, result.stderr);
  return { changed: true, result: commandResult(result, shown) };
}
