import { describe, expect, it } from 'vitest';
import { parseStatOutput, statParams } from './stat.ts';

// The stat script's output, as GNU stat, test, readlink, sha1sum and file print it, read into
// Ansible's `stat` result (fields and types as ansible/modules/stat.py's format_output).

const file = [
  'stat=81a4|0|0|3|2146336|65024|1|1796234694.054072653|1796234694.056773355|1796234694.056773355|root|root|8|4096|0|0',
  'access=110',
  'checksum=55ca6286e3e4f4fba5d0448333fa99fc5a404a73',
  'mime=/tmp/f: text/plain; charset=us-ascii',
  'lsattr=2174597711 --------------e-----a- /tmp/f',
].join('\n');

describe('parseStatOutput', () => {
  it('reads a regular file as Ansible describes it', () => {
    const stat = parseStatOutput('/tmp/f', file);
    expect(stat).toMatchObject({
      exists: true,
      path: '/tmp/f',
      mode: '0644',
      isreg: true,
      isdir: false,
      islnk: false,
      uid: 0,
      gid: 0,
      pw_name: 'root',
      gr_name: 'root',
      size: 3,
      inode: 2146336,
      nlink: 1,
      mtime: 1796234694.056773355,
      rusr: true,
      wusr: true,
      xusr: false,
      roth: true,
      woth: false,
      readable: true,
      writeable: true,
      executable: false,
      checksum: '55ca6286e3e4f4fba5d0448333fa99fc5a404a73',
      mimetype: 'text/plain',
      charset: 'us-ascii',
      blocks: 8,
      block_size: 4096,
      version: '2174597711',
      attr_flags: 'ea',
      attributes: ['extents', 'append'],
    });
    expect(stat).not.toHaveProperty('lnk_source');
  });

  it('reads a symlink with its source and target, and a setuid directory', () => {
    const link = parseStatOutput('/tmp/l', 'stat=a1ff|0|0|1|2|3|1|1.5|2.5|3.5|root|root|0|4096|0|0\naccess=111\nlnk_source=/tmp/f\nlnk_target=f');
    expect(link).toMatchObject({ islnk: true, isreg: false, mode: '0777', lnk_source: '/tmp/f', lnk_target: 'f', mtime: 2.5 });
    const dir = parseStatOutput('/srv', 'stat=4fed|1000|1000|4096|2|3|2|1|1|1|UNKNOWN|UNKNOWN|8|4096|0|0\naccess=000');
    expect(dir).toMatchObject({ isdir: true, mode: '7755', isuid: true, isgid: true, uid: 1000 });
    expect(dir).not.toHaveProperty('pw_name');
    expect(dir).not.toHaveProperty('checksum');
  });

  it('computes device_type as os.makedev does (/dev/null is 1:3)', () => {
    expect(parseStatOutput('/dev/null', 'stat=21b6|0|0|0|3|6|1|1|1|1|root|root|0|4096|1|3')).toMatchObject({ ischr: true, device_type: 259 });
  });

  it('says exists: false and nothing else for a missing path', () => {
    expect(parseStatOutput('/nope', 'exists=0\n')).toEqual({ exists: false });
  });

  it('refuses output it does not understand', () => {
    expect(() => parseStatOutput('/x', 'stat=garbage')).toThrow(/unexpected output/);
  });
});

describe('stat params', () => {
  it('takes Ansible aliases and defaults', () => {
    expect(statParams.parse({ name: '/etc/hosts', checksum_algo: 'sha256' })).toMatchObject({
      path: '/etc/hosts',
      checksum_algorithm: 'sha256',
      get_checksum: true,
      follow: false,
    });
    expect(statParams.safeParse({}).success).toBe(false);
    expect(statParams.safeParse({ path: '/x', checksum_algorithm: 'crc32' }).success).toBe(false);
  });
});
