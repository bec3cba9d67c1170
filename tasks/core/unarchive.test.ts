import { describe, expect, it } from 'vitest';
import { parseUnzipListing, pickHandler, tarCommand, tarDifferences, tarListing, unzipCommand, zipDifferences } from './lib/unarchive-plan.ts';
import { unarchiveParams } from './unarchive.ts';

const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
const tarHeader = () => {
  const bytes = new Array<number>(262).fill(0);
  [...'ustar'].forEach((c, i) => (bytes[257 + i] = c.charCodeAt(0)));
  return hex(bytes);
};

// `unzip -v` of an archive made by python3 -m zipfile (UnZip 6.00, Debian 12).
const UNZIP_V = `Archive:  t.zip
 Length   Method    Size  Cmpr    Date    Time   CRC-32   Name
--------  ------  ------- ---- ---------- ----- --------  ----
       6  Defl:N        8 -33% 2026-12-02 18:10 363a3020  a.txt
       0  Stored        0   0% 2026-12-02 18:10 00000000  d/
       2  Defl:N        4 100% 2026-12-02 18:10 46ea081f  d/b c.txt
--------          -------  ---                            -------
       8               12 -50%                            3 files
`;

describe('unarchive handler', () => {
  it('picks the handler from the first bytes', () => {
    expect(pickHandler('50 4b 03 04 14 00')).toBe('ZipArchive');
    expect(pickHandler('1f 8b 08 00')).toBe('TgzArchive');
    expect(pickHandler('42 5a 68 39')).toBe('TarBzipArchive');
    expect(pickHandler('fd 37 7a 58 5a 00 00')).toBe('TarXzArchive');
    expect(pickHandler(tarHeader())).toBe('TarArchive');
    expect(pickHandler('23 21 2f 62 69 6e')).toBeNull();
  });

  it('builds tar and unzip command lines as Ansible does', () => {
    expect(tarCommand('TgzArchive', '--diff', '/tmp/a.tgz', '/opt/app', [])).toEqual(['tar', '--diff', '-C', '/opt/app', '-z', '-f', '/tmp/a.tgz']);
    expect(tarCommand('TarArchive', '--extract', '/tmp/a.tar', '/opt/app', ['--strip-components=1'])).toEqual(['tar', '--extract', '-C', '/opt/app', '--show-transformed-names', '--strip-components=1', '-f', '/tmp/a.tar']);
    expect(unzipCommand('/tmp/a.zip', '/opt/app', ['-q'])).toEqual(['unzip', '-o', '-q', '/tmp/a.zip', '-d', '/opt/app']);
  });
});

describe('is it unarchived already', () => {
  it('keeps the tar --diff lines Ansible keeps', () => {
    const diff = [
      'tar: ./a.txt: Warning: Cannot stat: No such file or directory',
      './b.txt: Mod time differs',
      './b.txt: Size differs',
      './c.txt: Uid differs',
      './d.txt: Mode differs',
      'tar: : Warning: Cannot stat: No such file or directory',
    ].join('\n');
    expect(tarDifferences(diff, { root: true })).toBe(
      'tar: ./a.txt: Warning: Cannot stat: No such file or directory\n./b.txt: Mod time differs\n./c.txt: Uid differs\n./d.txt: Mode differs\n',
    );
    expect(tarDifferences('./c.txt: Uid differs\n', { root: false })).toBe('');
    expect(tarDifferences('./d.txt: Mode differs\n', { root: true, mode: '0644' })).toBe('');
    expect(tarDifferences('./b.txt: Size differs\n', { root: true })).toBe('');
    expect(tarListing('./\n./a.txt\n/abs/x\n')).toEqual(['./', './a.txt', 'abs/x']);
  });

  it('compares each zip entry\'s type, size and CRC-32 with dest', () => {
    const entries = parseUnzipListing(UNZIP_V);
    expect(entries).toEqual([
      { name: 'a.txt', directory: false, size: 6, crc: '363a3020' },
      { name: 'd', directory: true, size: 0, crc: '00000000' },
      { name: 'd/b c.txt', directory: false, size: 2, crc: '46ea081f' },
    ]);
    // DEST_ENTRIES_SCRIPT prints gzip's trailer bytes, little-endian.
    expect(zipDifferences(entries, 'f 6  20 30 3a 36\nd\nf 2  1f 08 ea 46\n')).toEqual([]);
    expect(zipDifferences(entries, '-\nf 0 00 00 00 00\nf 2  00 08 ea 46\n')).toEqual(['a.txt: missing', 'd: File type differs', 'd/b c.txt: Contents differ']);
    expect(zipDifferences(entries, 'f 7  20 30 3a 36\nd\no\n')).toEqual(['a.txt: Size differs', 'd/b c.txt: File type differs']);
  });

  it('takes Ansible\'s parameters', () => {
    expect(unarchiveParams.parse({ src: 'a.tgz', dest: '/opt' })).toMatchObject({ remote_src: false, list_files: false, extra_opts: [] });
    expect(unarchiveParams.safeParse({ src: 'a.tgz' }).success).toBe(false);
  });
});
