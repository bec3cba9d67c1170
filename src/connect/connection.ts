import type { Duplex } from 'node:stream';

/** A command to run: an argument vector (quoted for you), or a shell script run by `sh -c`. */
export type Command = readonly string[] | { shell: string };

export interface ExecOptions {
  /** Bytes written to the command's stdin, then closed. */
  stdin?: string | Buffer;
  /**
   * Extra environment for the command. Delivered ahead of stdin and exported by a small wrapper,
   * so values (passwords such as REDISCLI_AUTH) never appear on any process's command line.
   * Values must not contain newlines.
   */
  env?: Record<string, string>;
  cwd?: string;
  /** Run as root through sudo (non-interactive). No-op when the connection is already root. */
  become?: boolean;
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

export interface WriteOptions {
  mode?: number;
  become?: boolean;
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
  readFile(path: string, options?: { become?: boolean }): Promise<Buffer | null>;
  /** Writes atomically (temp file then rename) with the given mode. */
  writeFile(path: string, data: string | Buffer, options?: WriteOptions): Promise<void>;
  /** Copies a file from the controller to the host (SFTP for ssh). */
  putFile(localPath: string, remotePath: string, options?: WriteOptions): Promise<void>;
  /** null when the path does not exist (lstat semantics). */
  stat(path: string, options?: { become?: boolean }): Promise<FileStat | null>;
  /** A stream to host:port as seen from the remote host (ssh forwardOut; a plain socket locally). */
  forwardOut(host: string, port: number): Promise<Duplex>;
  close(): Promise<void>;
}
