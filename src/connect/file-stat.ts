// st_mode -> FileStat's type and permission bits; shared by fs, SFTP and `stat -c %f` results.
import type { FileStat } from './connection.ts';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

export function fileStatFromMode(mode: number): Pick<FileStat, 'type' | 'mode'> {
  const format = mode & S_IFMT;
  const type = format === S_IFREG ? 'file' : format === S_IFDIR ? 'directory' : format === S_IFLNK ? 'symlink' : 'other';
  return { type, mode: mode & 0o7777 };
}
