// A host reached over SSH: one ssh2 client per host, shared by every task on it. Session
// channels (exec and the one SFTP session) are bounded below sshd's MaxSessions (10) and a
// refused channel open is retried with backoff: back-pressure, not a failed command.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { AbortedError, ConnectError } from '../errors.ts';
import type { ConnectionSpec } from '../inventory/types.ts';
import { CommandFiles } from './command-files.ts';
import type { BecomeMethod, BecomeOptions, Command, Connection, ExecOptions, ExecResult, FileStat, WriteOptions } from './connection.ts';
import { quoteCommand } from './quote.ts';
import { EXEC_ID_VAR, KILL_TAGGED_SCRIPT, planCommand, type CommandPlan } from './remote-command.ts';
import { Semaphore } from './semaphore.ts';
import { SftpFiles } from './sftp-files.ts';
import type { SshClientOptions } from './ssh-client.ts';

export interface SshConnectionOptions extends SshClientOptions {
  /** Session channels open at once, the SFTP session included; keep below sshd's MaxSessions. */
  maxChannels: number;
}

export const DEFAULT_MAX_CHANNELS = 8;
/** How long a channel open may keep being refused before the command fails. */
const CHANNEL_RETRY_LIMIT_MS = 60_000;

type OpenCallback<T> = (error: Error | undefined, channel: T) => void;

export class SshConnection implements Connection {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private sftp: Promise<SftpFiles> | null = null;
  private readonly channels: Semaphore;
  private readonly sudoFiles: CommandFiles;
  private readonly username: string;
  /** In-flight execs to fail when the connection drops (one listener, not one per exec). */
  private readonly onConnectionLost = new Set<() => void>();

  constructor(
    readonly hostName: string,
    private readonly spec: ConnectionSpec,
    private readonly options: SshConnectionOptions,
  ) {
    this.channels = new Semaphore(options.maxChannels);
    this.username = spec.user ?? process.env.USER ?? 'root';
    this.sudoFiles = new CommandFiles(hostName, (command, execOptions) => this.exec(command, execOptions));
  }

  async connect(): Promise<void> {
    await this.getClient();
  }

  /** Reconnects transparently when the previous connection dropped (a rebooted host, a timeout). */
  private getClient(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    // ssh2 (through ssh-client.ts) is imported on the first connect, not at start-up: it costs
    // ~0.1-0.3 s of loading that a run on local hosts only, or `--version`, never needs.
    this.connecting ??= import('./ssh-client.ts')
      .then(({ openSshClient }) => openSshClient(this.hostName, this.spec, this.options))
      .then((client) => {
        this.client = client;
        client.on('close', () => {
          if (this.client === client) this.client = null;
          for (const lost of [...this.onConnectionLost]) lost();
        });
        return client;
      })
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  /** Opens a session channel, waiting out sshd's MaxSessions refusals with backoff. */
  private async openSession<T>(open: (client: Client, done: OpenCallback<T>) => void, signal?: AbortSignal): Promise<T> {
    const deadline = Date.now() + CHANNEL_RETRY_LIMIT_MS;
    let delayMs = 20;
    let reconnected = false;
    for (;;) {
      const client = await this.getClient();
      try {
        return await new Promise<T>((resolve, reject) => {
          try {
            open(client, (error, channel) => (error ? reject(error) : resolve(channel)));
          } catch (error) {
            reject(error); // ssh2 throws 'Not connected' synchronously on a dead socket
          }
        });
      } catch (error) {
        const message = (error as Error).message ?? '';
        if (/Not connected|No response from server/.test(message) && !reconnected) {
          reconnected = true;
          if (this.client === client) this.client = null;
          continue;
        }
        if (!message.includes('Channel open failure')) throw new ConnectError(this.hostName, `cannot open a session: ${message}`, { cause: error });
        if (Date.now() > deadline) throw new ConnectError(this.hostName, `sshd kept refusing new sessions for ${CHANNEL_RETRY_LIMIT_MS / 1000} s: ${message}`);
        if (signal?.aborted) throw new AbortedError(`${this.hostName}: aborted`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        delayMs = Math.min(delayMs * 2, 1000);
      }
    }
  }

  /** become only when it changes something: becoming the login user (root as root) is a no-op. */
  private becomeFor(options: BecomeOptions): { user?: string; method: BecomeMethod } | undefined {
    if (!(options.become ?? this.spec.become)) return undefined;
    const target = options.becomeUser ?? this.spec.becomeUser ?? 'root';
    return target === this.username ? undefined : { user: target, method: options.becomeMethod ?? this.spec.becomeMethod ?? 'sudo' };
  }

  async exec(command: Command, options: ExecOptions = {}): Promise<ExecResult> {
    const execId = randomBytes(8).toString('hex');
    const env = { ...options.env, [EXEC_ID_VAR]: execId };
    const plan = planCommand(command, { env, cwd: options.cwd, become: this.becomeFor(options), envOnStdin: true });
    const line = quoteCommand(plan.argv);
    const release = await this.channels.acquire();
    try {
      if (options.signal?.aborted) throw new AbortedError(`${this.hostName}: aborted before start: ${plan.display}`);
      const channel = await this.openSession<ClientChannel>((client, done) => client.exec(line, done), options.signal);
      return await this.runOnChannel(channel, plan, options, () => this.killTagged(execId, options));
    } finally {
      release();
    }
  }

  /** Stops every process an aborted exec left behind; bounded, so an abort always returns. */
  private async killTagged(execId: string, as: BecomeOptions): Promise<void> {
    const kill = this.exec(['sh', '-c', KILL_TAGGED_SCRIPT, 'sh', execId], { become: as.become, becomeUser: as.becomeUser, becomeMethod: as.becomeMethod }).catch(() => undefined);
    await Promise.race([kill, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
  }

  private runOnChannel(channel: ClientChannel, plan: CommandPlan, options: ExecOptions, killTagged: () => Promise<void>): Promise<ExecResult> {
    const client = this.client;
    const lostListeners = this.onConnectionLost;
    return new Promise((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let code: number | null = null;
      let exited = false;
      let finished = false;
      const finish = (outcome: () => void): void => {
        if (finished) return;
        finished = true;
        options.signal?.removeEventListener('abort', onAbort);
        lostListeners.delete(onConnectionLost);
        outcome();
      };
      const onAbort = (): void =>
        finish(() => {
          // sshd delivers a signal request with killpg() (for non-root logins only), then the tagged
          // processes are stopped explicitly; closing the channel frees the slot.
          signalChannel(channel, 'TERM');
          channel.close();
          void killTagged().then(() => reject(new AbortedError(`${this.hostName}: aborted: ${plan.display}`)));
        });
      const onConnectionLost = (): void =>
        finish(() => reject(new ConnectError(this.hostName, `connection lost while running: ${plan.display}`)));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      lostListeners.add(onConnectionLost);

      // Decoders keep a multi-byte character split across packets whole for progress output.
      const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
      channel.on('data', (chunk: Buffer) => {
        stdout.push(chunk);
        options.onOutput?.(decoders.stdout.write(chunk), 'stdout');
      });
      channel.stderr.on('data', (chunk: Buffer) => {
        stderr.push(chunk);
        options.onOutput?.(decoders.stderr.write(chunk), 'stderr');
      });
      channel.on('exit', (exitCode: number | null) => {
        exited = true;
        code = typeof exitCode === 'number' ? exitCode : null;
      });
      channel.on('close', () =>
        finish(() => {
          if (!exited && this.client !== client) {
            reject(new ConnectError(this.hostName, `connection lost while running: ${plan.display}`));
            return;
          }
          resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), commandLine: plan.display });
        }),
      );
      if (plan.stdinPrelude) channel.write(plan.stdinPrelude);
      channel.end(options.stdin ?? '');
    });
  }

  /** The SFTP session, opened on first use; it holds one channel slot for the connection's life. */
  private getSftp(): Promise<SftpFiles> {
    if (this.sftp) return this.sftp;
    let opening: Promise<SftpFiles> | null = null;
    opening = (async () => {
      const release = await this.channels.acquire();
      try {
        const sftp = await this.openSession<SFTPWrapper>((client, done) => client.sftp(done));
        sftp.once('close', () => {
          release();
          if (this.sftp === opening) this.sftp = null;
        });
        return new SftpFiles(sftp);
      } catch (error) {
        release();
        if (this.sftp === opening) this.sftp = null;
        throw error;
      }
    })();
    this.sftp = opening;
    return opening;
  }

  async readFile(path: string, options: BecomeOptions = {}): Promise<Buffer | null> {
    if (this.becomeFor(options)) return this.sudoFiles.readFile(path, options);
    return (await this.getSftp()).readFile(path);
  }

  async writeFile(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (this.becomeFor(options)) return this.sudoFiles.writeFile(path, bytes, options.mode, options);
    return (await this.getSftp()).writeFile(path, bytes, options.mode);
  }

  async putFile(localPath: string, remotePath: string, options: WriteOptions = {}): Promise<void> {
    await this.writeFile(remotePath, await readFile(localPath), options);
  }

  async stat(path: string, options: BecomeOptions = {}): Promise<FileStat | null> {
    if (this.becomeFor(options)) return this.sudoFiles.stat(path, options);
    return (await this.getSftp()).stat(path);
  }

  /** Not bounded by the session semaphore: sshd's MaxSessions does not count direct-tcpip channels. */
  async forwardOut(host: string, port: number): Promise<Duplex> {
    const client = await this.getClient();
    return new Promise((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
        if (error) reject(new ConnectError(this.hostName, `cannot reach ${host}:${port} from ${this.hostName}: ${error.message}`, { cause: error }));
        else resolve(channel);
      });
    });
  }

  async close(): Promise<void> {
    const client = this.client ?? (await this.connecting?.catch(() => null));
    this.client = null;
    this.sftp = null;
    if (!client) return;
    await new Promise<void>((resolve) => {
      // A peer that never answers the disconnect must not hold up the end of a run.
      const force = setTimeout(() => client.destroy(), 2000);
      client.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      client.end();
    });
  }
}

/**
 * ssh2's `Channel.signal()` does nothing once our side has sent EOF (it checks `writable`), and
 * every exec sends EOF right after stdin. The protocol allows a signal request for as long as the
 * channel is open, so it is sent at the protocol level, the one place ssh2 internals are used.
 */
function signalChannel(channel: ClientChannel, signal: 'TERM' | 'KILL'): void {
  const internal = channel as unknown as {
    outgoing?: { id: number; state: string };
    _client?: { _protocol?: { signal(channelId: number, name: string): void } };
  };
  const protocol = internal._client?._protocol;
  try {
    // 'eof' is our side's state after sending EOF; the channel itself is still open.
    const state = internal.outgoing?.state;
    if (protocol && internal.outgoing && (state === 'open' || state === 'eof')) protocol.signal(internal.outgoing.id, signal);
    else channel.signal(signal);
  } catch {
    // the channel is already closing; nothing left to signal
  }
}
