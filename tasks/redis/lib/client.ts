// Opens an ioredis client to one Redis node: straight from the controller, or through the host's
// Connection (ssh forwardOut; a plain socket for a local connection) when the node's port is only
// reachable on the host itself. The password is sent with AUTH over the connection, never on a
// command line, and never kept in an error (ioredis attaches a command's arguments to its errors).
import type { Duplex } from 'node:stream';
import { AbstractConnector, Redis, type RedisOptions } from 'ioredis';
import type { Connection } from '../../../src/connect/connection.ts';
import { ConnectError } from '../../../src/errors.ts';

export interface NodeEndpoint {
  /** Name for messages: "HOST:PORT" with the inventory host name. */
  ref: string;
  port: number;
  /** Address the node listens on, as seen from where the client connects. */
  address: string;
}

export interface ClientOptions {
  password?: string;
  /** Milliseconds to open the stream and to wait for any one command. */
  timeoutMs?: number;
  /** Through this connection's forwardOut; without it, a direct TCP connection from the controller. */
  via?: Connection;
}

/** The node answered but refused the password: not a node that is down. */
export class RedisAuthError extends ConnectError {}

/** The connection ioredis uses when the stream comes from `forwardOut` instead of net.connect. */
function forwardingConnector(open: () => Promise<Duplex>, timeoutMs: number) {
  return class ForwardingConnector extends AbstractConnector {
    constructor() {
      super(1000);
    }
    async connect(): Promise<any> {
      this.connecting = true;
      const stream = await withTimeout(open(), timeoutMs, (late) => late.destroy());
      if (!this.connecting) {
        // disconnect() was called while the channel was opening.
        stream.destroy();
        throw new Error('Connection is closed.');
      }
      // A channel is a Duplex, not a Socket: ioredis only calls setNoDelay/setKeepAlive when the
      // options ask for it (they don't, below), and treats a stream without `connecting` as open.
      this.stream = stream as any;
      return stream;
    }
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, discardLate: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new Error(`timed out after ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (expired) discardLate(value);
        else resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * A connected client, or a ConnectError naming the node. No reconnects and no offline queue: a
 * probe must fail fast and say so rather than retry behind the caller's back.
 */
export async function openNodeClient(node: NodeEndpoint, options: ClientOptions = {}): Promise<Redis> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const redisOptions: RedisOptions = {
    host: node.address,
    port: node.port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
  };
  if (options.via) {
    const via = options.via;
    Object.assign(redisOptions, {
      Connector: forwardingConnector(() => via.forwardOut(node.address, node.port), timeoutMs),
      noDelay: false,
      keepAlive: null,
    });
  }
  const client = new Redis(redisOptions as RedisOptions);
  // Without a listener ioredis prints "Unhandled error event" to stderr; the last one explains a
  // failed connect better than the "Connection is closed." that connect() rejects with.
  let lastError: Error | undefined;
  client.on('error', (error: Error) => (lastError = error));
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    const reason = (lastError ?? (error as Error)).message;
    throw new ConnectError(node.ref, `redis at ${node.address}:${node.port}: ${reason}`, { cause: lastError ?? error });
  }
  if (options.password) await authenticate(client, node, options.password);
  return client;
}

/**
 * AUTH by hand rather than ioredis's `password` option: ioredis console.warns (around every
 * reporter) when a server needs no password, as a node does until its config with requirepass is
 * loaded; here that answer is simply accepted. The error kept has no arguments, so no password.
 */
async function authenticate(client: Redis, node: NodeEndpoint, password: string): Promise<void> {
  try {
    await client.call('AUTH', password);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/without any password configured|no password is set/i.test(message)) return;
    client.disconnect();
    throw new RedisAuthError(node.ref, `redis at ${node.address}:${node.port}: authentication failed: ${message.split('\n')[0]}`);
  }
}

/** QUIT politely, and drop the stream anyway if the node does not answer. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 1000))]);
  } catch {
    // The node is gone already; disconnect below is all that is left to do.
  }
  client.disconnect();
}

/** Runs `use` with a fresh client and always closes it. */
export async function withNodeClient<T>(node: NodeEndpoint, options: ClientOptions, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = await openNodeClient(node, options);
  try {
    return await use(client);
  } finally {
    await closeClient(client);
  }
}

/** `client.call` with the reply as text (CLUSTER NODES, INFO), for the parsers. */
export async function callText(client: Redis, ...args: string[]): Promise<string> {
  const [command, ...rest] = args;
  const reply = await client.call(command, ...rest);
  return Buffer.isBuffer(reply) ? reply.toString('utf8') : String(reply);
}
