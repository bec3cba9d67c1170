// File operations over one SFTP session, as the login user: reads, lstat, and atomic writes
// (temp file + OpenSSH's posix-rename extension, since plain SFTP rename refuses to overwrite).
import type { SFTPWrapper, Stats } from 'ssh2';
import { writeAtomically, type FileOps } from './atomic-write.ts';
import type { FileStat } from './connection.ts';
import { fileStatFromMode } from './file-stat.ts';

/** SFTP status code for "no such file" (SSH_FX_NO_SUCH_FILE). */
const NO_SUCH_FILE = 2;

function isNoSuchFile(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === NO_SUCH_FILE;
}

function call<T>(start: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
}

export class SftpFiles {
  private readonly ops: FileOps;

  constructor(private readonly sftp: SFTPWrapper) {
    this.ops = {
      modeOf: async (p) => {
        const stats = await call<Stats>((done) => sftp.lstat(p, done)).catch((error: unknown) => {
          if (isNoSuchFile(error)) return null;
          throw error;
        });
        return stats ? stats.mode & 0o7777 : null;
      },
      write: (p, data, mode) => call<void>((done) => sftp.writeFile(p, data, { mode, flag: 'wx' }, (error) => done(error))),
      chmod: (p, mode) => call<void>((done) => sftp.chmod(p, mode, (error) => done(error))),
      rename: (from, to) => call<void>((done) => sftp.ext_openssh_rename(from, to, (error) => done(error))),
      unlink: (p) => call<void>((done) => sftp.unlink(p, (error) => done(error))),
    };
  }

  async readFile(path: string): Promise<Buffer | null> {
    try {
      return await call<Buffer>((done) => this.sftp.readFile(path, done));
    } catch (error) {
      if (isNoSuchFile(error)) return null;
      throw error;
    }
  }

  async stat(path: string): Promise<FileStat | null> {
    try {
      const s = await call<Stats>((done) => this.sftp.lstat(path, done));
      return { ...fileStatFromMode(s.mode), uid: s.uid, gid: s.gid, size: s.size };
    } catch (error) {
      if (isNoSuchFile(error)) return null;
      throw error;
    }
  }

  writeFile(path: string, data: Buffer, mode: number | undefined): Promise<void> {
    return writeAtomically(this.ops, path, data, mode);
  }

  close(): void {
    this.sftp.end();
  }
}
