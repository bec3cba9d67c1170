// Turns a Command plus exec options into the argument vector actually run, for both connections:
// the env wrapper (values travel on stdin, never on a command line), cwd, and sudo or su for become.
// The result is an argv; ssh quotes it with quote.ts, the local connection spawns it directly.
import { InputError } from '../errors.ts';
import type { BecomeMethod, Command } from './connection.ts';
import { quoteArg, quoteCommand } from './quote.ts';

export interface CommandPlan {
  argv: string[];
  /** The command as the user wrote it, for messages; never contains env values. */
  display: string;
  /** Bytes to send before the caller's stdin (the `K=V` lines and their terminating empty line). */
  stdinPrelude: Buffer | null;
}

export interface PlanOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Run as `user` (root when absent) through `sudo -n` or `su` (method, sudo when absent). */
  become?: { user?: string; method?: BecomeMethod };
  /**
   * Deliver env through the stdin wrapper. The local connection passes env to spawn directly when
   * no become is involved; ssh always uses the wrapper.
   */
  envOnStdin: boolean;
}

/**
 * Reads `K=V` lines until an empty line and exports them. `read` takes stdin one byte at a time
 * from a pipe, so the command exec'd afterwards gets the rest of stdin untouched.
 */
export const ENV_READER = 'while IFS= read -r pg_env_line && [ -n "$pg_env_line" ]; do export "$pg_env_line"; done';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function envPrelude(env: Record<string, string>): Buffer {
  const lines = Object.entries(env).map(([key, value]) => {
    if (!ENV_NAME.test(key)) throw new InputError(`environment variable name ${JSON.stringify(key)} is not a valid shell name`);
    // The value itself is never put in a message: it may be a password.
    if (/[\n\0]/.test(value)) throw new InputError(`environment variable ${key}: value contains a newline or NUL byte`);
    return `${key}=${value}\n`;
  });
  return Buffer.from(lines.join('') + '\n');
}

export function planCommand(command: Command, options: PlanOptions): CommandPlan {
  const isArgv = Array.isArray(command);
  const base: string[] = isArgv ? [...(command as readonly string[])] : ['sh', '-c', (command as { shell: string }).shell];
  if (base.length === 0) throw new InputError('empty command');
  const display = isArgv ? quoteCommand(base) : (command as { shell: string }).shell;
  const env = options.env && Object.keys(options.env).length > 0 ? options.env : undefined;
  const wrapEnv = env !== undefined && (options.envOnStdin || options.become !== undefined);

  let argv = base;
  if (wrapEnv || options.cwd !== undefined) {
    const steps: string[] = [];
    if (wrapEnv) steps.push(ENV_READER + ';');
    if (options.cwd !== undefined) steps.push(`cd ${quoteArg(options.cwd)} &&`);
    steps.push(`exec ${quoteCommand(base)}`);
    argv = ['sh', '-c', steps.join(' ')];
  }
  if (options.become?.method === 'su') {
    // As Ansible's su plugin: `su USER -c 'LINE'`, the line run by the user's login shell.
    argv = ['su', options.become.user ?? 'root', '-c', quoteCommand(argv)];
  } else if (options.become) {
    const user = options.become.user && options.become.user !== 'root' ? ['-u', options.become.user] : [];
    argv = ['sudo', '-n', ...user, '--', ...argv];
  }
  return { argv, display, stdinPrelude: wrapEnv && env ? envPrelude(env) : null };
}

/**
 * Marks every process of one remote exec (the variable is inherited by its children), so an
 * abort can find and stop them. Needed because sshd refuses signal requests for root logins
 * ("session signalling requires privilege separation"), and killing the channel alone leaves
 * the command running.
 */
export const EXEC_ID_VAR = 'PLAYGRAPH_EXEC_ID';

/** `sh -c KILL_TAGGED_SCRIPT sh <exec id>`: TERM the tagged processes, KILL what is left after ~1 s. */
export const KILL_TAGGED_SCRIPT = [
  `tagged() { grep -lzx "${EXEC_ID_VAR}=$1" /proc/[0-9]*/environ 2>/dev/null | sed 's#^/proc/\\([0-9]*\\)/environ$#\\1#'; }`,
  'pids=$(tagged "$1"); [ -n "$pids" ] && kill -TERM $pids 2>/dev/null',
  'n=0; while [ $n -lt 10 ] && [ -n "$(tagged "$1")" ]; do sleep 0.1; n=$((n+1)); done',
  'pids=$(tagged "$1"); [ -n "$pids" ] && kill -KILL $pids 2>/dev/null',
  'exit 0',
].join('\n');
