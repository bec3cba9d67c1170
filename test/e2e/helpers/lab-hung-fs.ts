// A filesystem that never answers, for teardown tests: a minimal FUSE server, in its own process,
// that completes the kernel's INIT handshake and then holds every request it reads. A process
// that touches the mount sits in uninterruptible sleep, deaf even to SIGKILL, as on a hung NFS
// mount, until the server goes away (the kernel then aborts the connection and the process ends).
// That is the honest "a process that does not exit in time": no timer in the code under test is
// shortened or faked.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, read, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface HungFilesystem {
  mountpoint: string;
  /** Resolves once the server holds a request: its caller is then blocked on the mount. */
  requestHeld(): Promise<void>;
  /** Kills the server (which releases every process stuck on the mount) and unmounts. */
  stop(): Promise<void>;
}

const SERVE_FLAG = '--serve-hung-fuse';
const FUSE_INIT = 26;

export async function mountHungFilesystem(): Promise<HungFilesystem> {
  const mountpoint = await mkdtemp(path.join(tmpdir(), 'pg-hung-fs-'));
  const server = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), SERVE_FLAG, mountpoint], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: server.stdout! });
  let held = 0;
  const heldWaiters: Array<() => void> = [];
  const ready = await new Promise<boolean>((resolve) => {
    lines.on('line', (line) => {
      if (line === 'ready') resolve(true);
      if (line !== 'held') return;
      held++;
      heldWaiters.splice(0).forEach((wake) => wake());
    });
    server.once('exit', () => resolve(false));
  });
  const requestHeld = (): Promise<void> => (held > 0 ? Promise.resolve() : new Promise((wake) => heldWaiters.push(wake)));
  const stop = async (): Promise<void> => {
    await killAndWait(server);
    spawnSync('umount', ['-l', mountpoint]);
    await rm(mountpoint, { recursive: true, force: true });
  };
  if (!ready) {
    await stop();
    throw new Error(`the hung FUSE filesystem did not come up on ${mountpoint}`);
  }
  return { mountpoint, requestHeld, stop };
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** The server: mount with /dev/fuse as fd 3, answer INIT, then read requests and answer none. */
function serve(mountpoint: string): void {
  const fd = openSync('/dev/fuse', 'r+');
  const mounted = spawnSync('mount', ['-t', 'fuse', '-o', 'fd=3,rootmode=40000,user_id=0,group_id=0', 'pg-hung-fs', mountpoint], { stdio: ['ignore', 'ignore', 'inherit', fd] });
  if (mounted.status !== 0) {
    closeSync(fd);
    process.exit(1);
  }
  const buffer = Buffer.alloc(1 << 20); // the kernel refuses reads smaller than its max write
  const next = (): void => {
    read(fd, buffer, 0, buffer.length, null, (error) => {
      if (error) process.exit(1);
      if (buffer.readUInt32LE(4) === FUSE_INIT) {
        writeSync(fd, initReply(buffer.readBigUInt64LE(8)));
        console.log('ready');
      } else {
        console.log('held'); // and never answered
      }
      next();
    });
  };
  next();
}

/** fuse_out_header + fuse_init_out (protocol 7.31: 64 bytes), no feature flags. */
function initReply(unique: bigint): Buffer {
  const reply = Buffer.alloc(16 + 64);
  reply.writeUInt32LE(reply.length, 0);
  reply.writeInt32LE(0, 4);
  reply.writeBigUInt64LE(unique, 8);
  reply.writeUInt32LE(7, 16); // major
  reply.writeUInt32LE(31, 20); // minor
  reply.writeUInt32LE(65536, 24); // max_readahead
  reply.writeUInt16LE(1, 32); // max_background
  reply.writeUInt16LE(1, 34); // congestion_threshold
  reply.writeUInt32LE(65536, 36); // max_write
  reply.writeUInt32LE(1, 40); // time_gran
  return reply;
}

if (process.argv[2] === SERVE_FLAG) serve(process.argv[3]!);
