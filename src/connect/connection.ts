import type { Duplex } from 'node:stream';

/** How `become` switches user: sudo (non-interactive, `sudo -n`) or su (as root only: su asks others for a password). */
export type BecomeMethod = 'sudo' | 'su';

/**
 * Whom a command or file operation runs as. `become` alone means root through sudo; a task's
 * become_user and become_method (or the host's ansible_become_user / ansible_become_method)
 * choose another user or su. A no-op when the connection is already that user.
 */
export interface BecomeOptions {
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: BecomeMethod;
}

/** A command to run: an argument vector (quoted for you), or a shell script run by `sh -c`. */
export type Command = readonly string[] | { shell: string };

export interface ExecOptions extends BecomeOptions {
  /** Bytes written to the command's stdin, then closed. */
  stdin?: string | Buffer;
  /**
   * Extra environment for the command. Delivered ahead of stdin and exported by a small wrapper,
   * so values (passwords such as REDISCLI_AUTH) never appear on any process's command line.
   * Values must not contain newlines.
   */
  env?: Record<string, string>;
  cwd?: string;
  signal?: AbortSignal;
  /** Called with output as it arrives, for progress reporting. */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface ExecResult {
  /** Exit code; null when the process was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command line as run, for messages (never contains env values). */
  commandLine: string;
}

export interface FileStat {
  type: 'file' | 'directory' | 'symlink' | 'other';
  mode: number; // permission bits, e.g. 0o644
  uid: number;
  gid: number;
  size: number;
}

export interface WriteOptions extends BecomeOptions {
  mode?: number;
}

/**
 * How the engine reaches a host. One instance per host, shared by every task on that host;
 * implementations bound their own concurrency (SSH channels) and never throw for a non-zero
 * exit: `exec` resolves with the code and callers decide.
 */
export interface Connection {
  readonly hostName: string;
  /** Opens the connection; rejects with ConnectError/HostKeyError naming the host. Idempotent. */
  connect(): Promise<void>;
  exec(command: Command, options?: ExecOptions): Promise<ExecResult>;
  /** File contents, or null when the file does not exist. */
  readFile(path: string, options?: BecomeOptions): Promise<Buffer | null>;
  /** Writes atomically (temp file then rename) with the given mode. */
  writeFile(path: string, data: string | Buffer, options?: WriteOptions): Promise<void>;
  /** Copies a file from the controller to the host (SFTP for ssh). */
  putFile(localPath: string, remotePath: string, options?: WriteOptions): Promise<void>;
  /** null when the path does not exist (lstat semantics). */
  stat(path: string, options?: BecomeOptions): Promise<FileStat | null>;
  /** A stream to host:port as seen from the remote host (ssh forwardOut; a plain socket locally). */
  forwardOut(host: string, port: number): Promise<Duplex>;
  close(): Promise<void>;
}
