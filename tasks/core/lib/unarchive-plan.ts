// unarchive's pure part (ansible/modules/unarchive.py, ansible-core 2.14): which handler an
// archive needs (from its first bytes, where Ansible asks each tool in turn), Ansible's reading
// of `tar --diff` (TgzArchive.is_unarchived, the same patterns), and for zip a subset of
// ZipArchive.is_unarchived: every entry of `unzip -v` present in dest with its type, size and
// CRC-32 (Ansible also compares mtimes, permissions and owners of zip entries; this does not).

export type Handler = 'ZipArchive' | 'TgzArchive' | 'TarArchive' | 'TarBzipArchive' | 'TarXzArchive';

/** The handler for an archive's first 262 bytes (hex pairs as `od -An -tx1` prints them). */
export function pickHandler(hexBytes: string): Handler | null {
  const bytes = hexBytes.trim().split(/\s+/).filter(Boolean).map((pair) => Number.parseInt(pair, 16));
  const starts = (...magic: number[]) => magic.every((byte, i) => bytes[i] === byte);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return 'ZipArchive';
  if (starts(0x1f, 0x8b)) return 'TgzArchive';
  if (starts(0x42, 0x5a, 0x68)) return 'TarBzipArchive';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'TarXzArchive';
  if (String.fromCharCode(...bytes.slice(257, 262)) === 'ustar') return 'TarArchive';
  return null;
}

const TAR_FLAG: Record<Exclude<Handler, 'ZipArchive'>, string[]> = { TgzArchive: ['-z'], TarArchive: [], TarBzipArchive: ['-j'], TarXzArchive: ['-J'] };

export function tarCommand(handler: Exclude<Handler, 'ZipArchive'>, mode: '--diff' | '--extract' | '--list', src: string, dest: string, extraOpts: string[]): string[] {
  return ['tar', mode, '-C', dest, ...TAR_FLAG[handler], ...(extraOpts.length ? ['--show-transformed-names', ...extraOpts] : []), '-f', src];
}

export function unzipCommand(src: string, dest: string, extraOpts: string[]): string[] {
  return ['unzip', '-o', ...extraOpts, src, '-d', dest];
}

/**
 * TgzArchive.is_unarchived: the `tar --diff` lines that mean "not unarchived" (owner and group
 * only when running as root and not set by the task, mode only when not set), or '' when none.
 */
export function tarDifferences(output: string, options: { root: boolean; owner?: string; group?: string; mode?: unknown }): string {
  const kept: string[] = [];
  for (const line of output.split('\n')) {
    if (/: : Warning: Cannot stat: No such file or directory$/.test(line)) continue;
    if (options.root && options.owner === undefined && /: Uid differs$/.test(line)) kept.push(line);
    if (options.root && options.group === undefined && /: Gid differs$/.test(line)) kept.push(line);
    if (options.mode === undefined && /: Mode differs$/.test(line)) kept.push(line);
    if (/: Mod time differs$/.test(line)) kept.push(line);
    if (/: Warning: Cannot stat: No such file or directory$/.test(line)) kept.push(line);
    if (/: Invalid owner/.test(line)) kept.push(line);
    if (/: Invalid group/.test(line)) kept.push(line);
  }
  return kept.map((line) => `${line}\n`).join('');
}

export interface ZipEntry {
  name: string;
  directory: boolean;
  size: number;
  crc: string;
}

/** The entries of `unzip -v`: length, method, size, ratio, date, time, CRC-32, then the name. */
export function parseUnzipListing(output: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (const line of output.split('\n')) {
    const match = /^\s*(\d+)\s+\S+\s+\d+\s+-?\d+%\s+\S+\s+\S+\s+([0-9a-f]{8})  (.+)$/.exec(line);
    if (!match) continue;
    const name = match[3]!;
    entries.push({ name: name.replace(/\/$/, ''), directory: name.endsWith('/'), size: Number(match[1]), crc: match[2]! });
  }
  return entries;
}

/** Reads, for each name on stdin (one a line), what dest has: `d`, `f SIZE CRC` (gzip's trailer holds the CRC-32), `o`ther or `-`. */
export const DEST_ENTRIES_SCRIPT = [
  'cd "$1" || exit 1',
  'while IFS= read -r f; do',
  '  if [ -L "$f" ]; then echo o',
  '  elif [ -d "$f" ]; then echo d',
  '  elif [ -f "$f" ]; then echo "f $(stat -c %s -- "$f") $(gzip -c < "$f" | tail -c 8 | od -An -tx1 -N4 | tr -d "\\n")"',
  '  elif [ -e "$f" ]; then echo o',
  '  else echo -; fi',
  'done',
].join('\n');

/** What differs between the archive's entries and dest's answers (DEST_ENTRIES_SCRIPT), one line each. */
export function zipDifferences(entries: ZipEntry[], answers: string): string[] {
  const lines = answers.split('\n');
  const differences: string[] = [];
  entries.forEach((entry, i) => {
    const [kind = '-', size, ...crcBytes] = (lines[i] ?? '-').trim().split(/\s+/);
    if (kind === '-') differences.push(`${entry.name}: missing`);
    else if (entry.directory !== (kind === 'd') || kind === 'o') differences.push(`${entry.name}: File type differs`);
    else if (!entry.directory && Number(size) !== entry.size) differences.push(`${entry.name}: Size differs`);
    else if (!entry.directory && crcBytes.reverse().join('') !== entry.crc) differences.push(`${entry.name}: Contents differ`);
  });
  return differences;
}

/** `tar --list` names as Ansible's files_in_archive: no leading slash. */
export function tarListing(output: string): string[] {
  return output.split('\n').filter(Boolean).map((name) => name.replace(/^\//, ''));
}
