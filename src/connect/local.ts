// Runs commands and file operations on the controller itself (ansible_connection: local).
// Commands are spawned from their argv (no shell unless the command is `{ shell }`), each in its
// own process group so an abort reaches everything it started.
import { spawn } from 'node:child_process';
import { chmod, lstat, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { userInfo } from 'node:os';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { AbortedError, ConnectError } from '../errors.ts';
import type { ConnectionSpec } from '../inventory/types.ts';
import { writeAtomically, type FileOps } from './atomic-write.ts';
import { CommandFiles } from './command-files.ts';
import type { BecomeMethod, BecomeOptions, Command, Connection, ExecOptions, ExecResult, FileStat, WriteOptions } from './connection.ts';
import { fileStatFromMode } from './file-stat.ts';
import { planCommand } from './remote-command.ts';

/** How long an aborted process gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2000;

const fsOps: FileOps = {
  modeOf: async (p) => {
    const s = await lstat(p).catch(() => null);
    return s ? s.mode & 0o7777 : null;
  },
  write: (p, data, mode) => writeFile(p, data, { mode, flag: 'wx' }),
  chmod: (p, mode) => chmod(p, mode),
  rename: (from, to) => rename(from, to),
  unlink: (p) => unlink(p),
};

export class LocalConnection implements Connection {
  private readonly sudoFiles: CommandFiles;

  constructor(
    readonly hostName: string,
    private readonly spec: Pick<ConnectionSpec, 'become' | 'becomeUser' | 'becomeMethod'> = { become: false },
  ) {
    this.sudoFiles = new CommandFiles(hostName, (command, options) => this.exec(command, options));
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  /** become only when it changes something: becoming the user this process runs as is a no-op. */
  private becomeFor(options: BecomeOptions): { user?: string; method: BecomeMethod } | undefined {
    if (!(options.become ?? this.spec.become)) return undefined;
    const user = options.becomeUser ?? this.spec.becomeUser;
    const current = process.getuid?.() === 0 ? 'root' : userInfo().username;
    if ((user ?? 'root') === current) return undefined;
    return { user, method: options.becomeMethod ?? this.spec.becomeMethod ?? 'sudo' };
  }

  exec(command: Command, options: ExecOptions = {}): Promise<ExecResult> {
    const sudo = this.becomeFor(options);
    const plan = planCommand(command, { env: options.env, cwd: options.cwd, become: sudo, envOnStdin: false });
    if (options.signal?.aborted) return Promise.reject(new AbortedError(`${this.hostName}: aborted before start: ${plan.display}`));
    // Without become the env goes straight into the child's environment (never onto an argv);
    // with sudo or su, which reset the environment, the plan carries it on stdin instead.
    const env = sudo || !options.env ? process.env : { ...process.env, ...options.env };

    return new Promise((resolve, reject) => {
      const child = spawn(plan.argv[0], plan.argv.slice(1), { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
      let killTimer: NodeJS.Timeout | undefined;
      let aborted = false;

      const onAbort = (): void => {
        aborted = true;
        signalGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
        killTimer.unref();
        reject(new AbortedError(`${this.hostName}: aborted: ${plan.display}`));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });

      for (const stream of ['stdout', 'stderr'] as const) {
        child[stream].on('data', (chunk: Buffer) => {
          (stream === 'stdout' ? stdout : stderr).push(chunk);
          options.onOutput?.(decoders[stream].write(chunk), stream);
        });
      }
      child.stdin.on('error', () => undefined); // the command may exit without reading its stdin
      if (plan.stdinPrelude) child.stdin.write(plan.stdinPrelude);
      child.stdin.end(options.stdin ?? '');

      child.once('error', (error: NodeJS.ErrnoException) => {
        options.signal?.removeEventListener('abort', onAbort);
        // Same outcome as a shell reports for a missing program: exit 127, not an exception.
        const message = error.code === 'ENOENT' ? `${plan.argv[0]}: command not found\n` : `${error.message}\n`;
        resolve({ code: 127, stdout: '', stderr: message, commandLine: plan.display });
      });
      child.once('close', (code) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (aborted) return;
        resolve({
          code,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          commandLine: plan.display,
        });
      });
    });
  }

  async readFile(path: string, options: BecomeOptions = {}): Promise<Buffer | null> {
    if (this.becomeFor(options)) return this.sudoFiles.readFile(path, options);
    try {
      return await readFile(path);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async writeFile(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
    if (this.becomeFor(options)) return this.sudoFiles.writeFile(path, data, options.mode, options);
    await writeAtomically(fsOps, path, Buffer.isBuffer(data) ? data : Buffer.from(data), options.mode);
  }

  async putFile(localPath: string, remotePath: string, options: WriteOptions = {}): Promise<void> {
    await this.writeFile(remotePath, await readFile(localPath), options);
  }

  async stat(path: string, options: BecomeOptions = {}): Promise<FileStat | null> {
    if (this.becomeFor(options)) return this.sudoFiles.stat(path, options);
    try {
      const s = await lstat(path);
      return { ...fileStatFromMode(s.mode), uid: s.uid, gid: s.gid, size: s.size };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  forwardOut(host: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (error) => reject(new ConnectError(this.hostName, `cannot reach ${host}:${port}: ${error.message}`, { cause: error })));
    });
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
