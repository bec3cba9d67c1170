import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { defineModule } from '../../src/modules/module.ts';
import { foldAliases } from '../../src/modules/param-aliases.ts';
import { runChecked } from '../../src/modules/run-checked.ts';
import { expandUserPath } from '../../src/modules/user-path.ts';

// Ansible's stat: everything about one path, read in one command on the host (GNU stat, test,
// readlink, <algo>sum, file), parsed by a pure function into Ansible's `stat` result. Never
// changes anything. Not read: md5 (get_md5; checksum_algorithm: md5 gives it as checksum).

const aliases = { dest: 'path', name: 'path', checksum: 'checksum_algorithm', checksum_algo: 'checksum_algorithm', mime: 'get_mime', mime_type: 'get_mime', 'mime-type': 'get_mime', attr: 'get_attributes', attributes: 'get_attributes' };
const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

const statFields = z.strictObject({
  path: z.string().min(1).optional().describe('The path to look at (required; aliases dest, name)'),
  dest: z.string().min(1).optional().describe('Alias of path'),
  name: z.string().min(1).optional().describe('Alias of path'),
  follow: z.boolean().default(false).describe('Follow a symlink and describe its target'),
  get_checksum: z.boolean().default(true).describe('Add checksum (checksum_algorithm) of a readable regular file'),
  checksum_algorithm: z.enum(ALGORITHMS).default('sha1').describe('Algorithm of checksum (aliases checksum, checksum_algo)'),
  checksum: z.enum(ALGORITHMS).optional().describe('Alias of checksum_algorithm'),
  checksum_algo: z.enum(ALGORITHMS).optional().describe('Alias of checksum_algorithm'),
  get_mime: z.boolean().default(true).describe('Add mimetype and charset, from the file command'),
  mime: z.boolean().optional().describe('Alias of get_mime'),
  mime_type: z.boolean().optional().describe('Alias of get_mime'),
  'mime-type': z.boolean().optional().describe('Alias of get_mime'),
  get_attributes: z.boolean().default(true).describe('Add version, attr_flags and attributes, from lsattr (aliases attr, attributes)'),
  attr: z.boolean().optional().describe('Alias of get_attributes'),
  attributes: z.boolean().optional().describe('Alias of get_attributes'),
  get_md5: z.boolean().default(false).describe('Accepted for compatibility; md5 is not computed (use checksum_algorithm: md5)'),
});
type Fields = z.output<typeof statFields>;
export type StatParams = Pick<Fields, 'follow' | 'get_checksum' | 'checksum_algorithm' | 'get_mime' | 'get_attributes' | 'get_md5'> & { path: string };

export const statParams = statFields.transform((raw, ctx): StatParams => {
  // Defaults fill the main names first; an alias given explicitly wins over a default.
  const given = Object.fromEntries(Object.entries(raw).filter(([key]) => !(key in aliases) || raw[key as keyof Fields] !== undefined));
  for (const [alias, main] of Object.entries(aliases)) if (given[alias] !== undefined && main !== 'path') delete given[main];
  const params = foldAliases(given, aliases, ctx) as StatParams;
  if (params.path === undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: 'path is required' });
  return params;
});

// $1 path, $2 "1" to follow, $3 checksum command or "", $4 "1" for mime, $5 "1" for lsattr. Each section is one
// line `key=value`; the stat line is '|'-separated so a path with spaces does not split it.
const SCRIPT = `p=$1
if [ "$2" = 1 ]; then o=-L; [ -e "$p" ] || { echo exists=0; exit 0; }
else o=; [ -e "$p" ] || [ -L "$p" ] || { echo exists=0; exit 0; }; fi
echo "stat=$(stat $o -c '%f|%u|%g|%s|%i|%d|%h|%.9X|%.9Y|%.9Z|%U|%G|%b|%o|%t|%T' -- "$p")" || exit 1
r=0; w=0; x=0; [ -r "$p" ] && r=1; [ -w "$p" ] && w=1; [ -x "$p" ] && x=1; echo "access=$r$w$x"
if [ -z "$o" ] && [ -L "$p" ]; then echo "lnk_source=$(readlink -m -- "$p")"; echo "lnk_target=$(readlink -- "$p")"; fi
if [ -n "$3" ] && [ -f "$p" ] && [ -r "$p" ] && { [ -n "$o" ] || [ ! -L "$p" ]; }; then echo "checksum=$($3 < "$p" | cut -d' ' -f1)"; fi
if [ "$4" = 1 ] && command -v file >/dev/null; then echo "mime=$(file --mime-type --mime-encoding -- "$p")"; fi
if [ "$5" = 1 ] && command -v lsattr >/dev/null && a=$(lsattr -vd -- "$p" 2>/dev/null); then echo "lsattr=$a"; fi
exit 0`;

/** module_utils' FILE_ATTRIBUTES: lsattr's letters as Ansible names them. */
const FILE_ATTRIBUTES: Record<string, string> = {
  A: 'noatime', a: 'append', c: 'compressed', C: 'nocow', d: 'nodump', D: 'dirsync', e: 'extents', E: 'encrypted', h: 'blocksize', i: 'immutable',
  I: 'indexed', j: 'journalled', N: 'inline', s: 'zero', S: 'synchronous', t: 'notail', T: 'blockroot', u: 'undelete', X: 'compressedraw', Z: 'compresseddirty',
};

const FILE_TYPES: Record<number, string> = { 0o040000: 'isdir', 0o020000: 'ischr', 0o060000: 'isblk', 0o100000: 'isreg', 0o010000: 'isfifo', 0o120000: 'islnk', 0o140000: 'issock' };

/** Python's os.makedev for GNU/Linux: major and minor into st_rdev. */
function makedev(major: number, minor: number): number {
  return (minor & 0xff) + (major & 0xfff) * 256 + (minor & ~0xff) * 4096 + Math.floor(major / 0x1000) * 2 ** 44;
}

/** The command's output as Ansible's `stat` result for `path`. */
export function parseStatOutput(path: string, output: string): Record<string, unknown> {
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !values.has(line.slice(0, at))) values.set(line.slice(0, at), line.slice(at + 1));
  }
  if (values.get('exists') === '0') return { exists: false };
  const fields = values.get('stat')?.split('|') ?? [];
  if (fields.length !== 16) throw new TaskError(`stat ${path}: unexpected output ${JSON.stringify(output.slice(0, 200))}`);
  const [rawMode, uid, gid, size, inode, dev, nlink, atime, mtime, ctime, user, group, blocks, blockSize, major, minor] = fields;
  const mode = Number.parseInt(rawMode, 16);
  const bits = mode & 0o7777;
  const access = values.get('access') ?? '000';
  const stat: Record<string, unknown> = {
    exists: true,
    path,
    mode: bits.toString(8).padStart(4, '0'),
    ...Object.fromEntries(Object.entries(FILE_TYPES).map(([type, name]) => [name, (mode & 0o170000) === Number(type)])),
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    inode: Number(inode),
    dev: Number(dev),
    nlink: Number(nlink),
    atime: Number(atime),
    mtime: Number(mtime),
    ctime: Number(ctime),
  };
  const permissions = ['xoth', 'woth', 'roth', 'xgrp', 'wgrp', 'rgrp', 'xusr', 'wusr', 'rusr'];
  permissions.forEach((name, bit) => (stat[name] = (bits & (1 << bit)) !== 0));
  Object.assign(stat, {
    isuid: (bits & 0o4000) !== 0,
    isgid: (bits & 0o2000) !== 0,
    blocks: Number(blocks),
    block_size: Number(blockSize),
    device_type: makedev(Number.parseInt(major, 16), Number.parseInt(minor, 16)),
    readable: access[0] === '1',
    writeable: access[1] === '1',
    executable: access[2] === '1',
  });
  if (values.has('lnk_source')) stat['lnk_source'] = values.get('lnk_source');
  if (values.has('lnk_target')) stat['lnk_target'] = values.get('lnk_target');
  if (user !== 'UNKNOWN') stat['pw_name'] = user;
  if (group !== 'UNKNOWN') stat['gr_name'] = group;
  if (values.has('checksum')) stat['checksum'] = values.get('checksum');
  if (values.has('mime')) {
    // `file` prints "path: type; charset=x"; Ansible splits at the last colon.
    const text = values.get('mime')!;
    const [mimetype, charset] = text.slice(text.lastIndexOf(':') + 1).split(';');
    stat['mimetype'] = mimetype?.trim() ?? 'unknown';
    stat['charset'] = charset?.split('=')[1]?.trim() ?? 'unknown';
  }
  if (values.has('lsattr')) {
    const [version, flags] = values.get('lsattr')!.trim().split(/\s+/);
    const attrFlags = (flags ?? '').replace(/-/g, '');
    Object.assign(stat, { version, attr_flags: attrFlags, attributes: [...attrFlags].filter((flag) => flag in FILE_ATTRIBUTES).map((flag) => FILE_ATTRIBUTES[flag]) });
  }
  return stat;
}

export const taskModule = defineModule<StatParams, never>({
  name: 'core.stat',
  summary: "Read a path's type, mode, owner, size, times and checksum into `stat`, as Ansible's stat; never changes anything",
  params: statParams,

  async check(ctx, params) {
    const checksum = params.get_checksum ? `${params.checksum_algorithm}sum` : '';
    const flags = [params.follow, params.get_mime, params.get_attributes].map((flag) => (flag ? '1' : ''));
    const file = await expandUserPath(ctx, params.path);
    const result = await runChecked(ctx, ['sh', '-c', SCRIPT, 'sh', file, flags[0], checksum, flags[1], flags[2]]);
    const stat = parseStatOutput(file, result.stdout);
    // What Ansible registers when `file` or lsattr is missing or fails.
    if (params.get_mime && stat['exists'] && !('mimetype' in stat)) Object.assign(stat, { mimetype: 'unknown', charset: 'unknown' });
    if (params.get_attributes && stat['exists'] && !('attr_flags' in stat)) Object.assign(stat, { version: null, attributes: [], attr_flags: '' });
    return { status: 'ok', reason: '', result: { stat } };
  },

  async apply() {
    return { changed: false };
  },
});
