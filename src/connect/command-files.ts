// File operations done with shell commands, for when they must run as another user through sudo or su
// (SFTP and Node's fs act as the login user only). Contents travel base64-encoded on stdout and
// raw on stdin, so binary files survive; writes go to a temp file in the same directory and are
// renamed over the target, so readers never see half a file.
import { CommandError } from '../errors.ts';
import type { BecomeOptions, Command, ExecOptions, ExecResult, FileStat } from './connection.ts';
import { fileStatFromMode } from './file-stat.ts';

type Exec = (command: Command, options?: ExecOptions) => Promise<ExecResult>;

/** Exit code the scripts below use for "path does not exist", distinct from any tool's failure. */
const MISSING = 66;

const EXISTS_OR_MISSING = `test -e "$1" || test -L "$1" || exit ${MISSING}`;

const READ_SCRIPT = `${EXISTS_OR_MISSING}; exec base64 -- "$1"`;
const STAT_SCRIPT = `${EXISTS_OR_MISSING}; exec stat -c '%f %u %g %s' -- "$1"`;
// $2 = octal mode or empty (keep the existing file's mode, 644 for a new file).
const WRITE_SCRIPT = [
  'set -e',
  'dir=$(dirname -- "$1")',
  'mode=$2',
  'if [ -z "$mode" ]; then mode=$(stat -c %a -- "$1" 2>/dev/null || echo 644); fi',
  'tmp=$(mktemp "$dir/.playgraph.XXXXXX")',
  `trap 'rm -f "$tmp"' EXIT`,
  'cat > "$tmp"',
  'chmod "$mode" "$tmp"',
  'mv -f -- "$tmp" "$1"',
].join('\n');

export class CommandFiles {
  constructor(
    private readonly hostName: string,
    private readonly exec: Exec,
  ) {}

  async readFile(path: string, as: BecomeOptions): Promise<Buffer | null> {
    const result = await this.run(as, READ_SCRIPT, [path]);
    if (result.code === MISSING) return null;
    this.assertOk(result);
    return Buffer.from(result.stdout.replace(/\s+/g, ''), 'base64');
  }

  async stat(path: string, as: BecomeOptions): Promise<FileStat | null> {
    const result = await this.run(as, STAT_SCRIPT, [path]);
    if (result.code === MISSING) return null;
    this.assertOk(result);
    const [modeHex, uid, gid, size] = result.stdout.trim().split(/\s+/);
    return { ...fileStatFromMode(parseInt(modeHex, 16)), uid: Number(uid), gid: Number(gid), size: Number(size) };
  }

  async writeFile(path: string, data: string | Buffer, mode: number | undefined, as: BecomeOptions): Promise<void> {
    const modeArg = mode === undefined ? '' : (mode & 0o7777).toString(8);
    this.assertOk(await this.run(as, WRITE_SCRIPT, [path, modeArg], Buffer.isBuffer(data) ? data : Buffer.from(data)));
  }

  /** As the user the caller's options become (their becomeUser and becomeMethod). */
  private run(as: BecomeOptions, script: string, args: string[], stdin?: Buffer): Promise<ExecResult> {
    return this.exec(['sh', '-c', script, 'sh', ...args], { become: true, becomeUser: as.becomeUser, becomeMethod: as.becomeMethod, stdin });
  }

  private assertOk(result: ExecResult): void {
    if (result.code !== 0) throw new CommandError(this.hostName, result.commandLine, result.code, result.stderr);
  }
}
