import { describe, expect, it } from 'vitest';
import { getUrlParams } from './get_url.ts';
import { parsePathInfo } from './lib/get-url-host.ts';
import { curlConfig, decideDownload, destFacts, downloadFacts, parseChecksum, urlFilename, type Request } from './lib/get-url-plan.ts';

const SHA256 = 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c';
const file = (extra: string) => destFacts(`kind file\nsha1 aaa\n${extra}parent\ntools curl python3\n`);
const missing = destFacts('kind missing\nparent\ntools curl\n');

describe('get_url checksum', () => {
  it('reads "<algorithm>:<digest>" as Ansible does', () => {
    expect(parseChecksum('')).toBeNull();
    expect(parseChecksum(`sha256:${SHA256.toUpperCase()}`)).toEqual({ algorithm: 'sha256', digest: SHA256 });
    expect(parseChecksum('md5:\u200bd41d8cd98f00b204e9800998ecf8427e')).toEqual({ algorithm: 'md5', digest: 'd41d8cd98f00b204e9800998ecf8427e' });
    expect(() => parseChecksum(SHA256)).toThrow('has to be in format <algorithm>:<checksum>');
    expect(() => parseChecksum('sha256:xyz')).toThrow('The checksum format is invalid');
    expect(() => parseChecksum('crc32:abcd')).toThrow(/unsupported checksum algorithm/);
    expect(() => parseChecksum('sha256:https://example.test/SHA256SUMS')).toThrow(/not supported/);
  });
});

describe('decideDownload', () => {
  const expected = { algorithm: 'sha256' as const, digest: SHA256 };
  it.each([
    { name: 'missing dest', facts: missing, force: false, checksum: null, decision: { kind: 'download', ifModifiedSince: false } },
    { name: 'existing, no checksum: ask if modified', facts: file(''), force: false, checksum: null, decision: { kind: 'download', ifModifiedSince: true } },
    { name: 'existing, forced', facts: file(''), force: true, checksum: null, decision: { kind: 'download', ifModifiedSince: false } },
    { name: 'checksum matches: no request', facts: file(`digest ${SHA256}\n`), force: false, checksum: expected, decision: { kind: 'keep', msg: 'file already exists' } },
    { name: 'checksum differs: forced download', facts: file('digest 00\n'), force: false, checksum: expected, decision: { kind: 'download', ifModifiedSince: false } },
    { name: 'checksum matches but forced', facts: file(`digest ${SHA256}\n`), force: true, checksum: expected, decision: { kind: 'download', ifModifiedSince: false } },
  ])('$name', ({ facts, force, checksum, decision }) => {
    expect(decideDownload(facts, '/opt/x.tgz', force, checksum)).toEqual(decision);
  });

  it('fails a missing parent directory and a dest that is not a file', () => {
    expect(() => decideDownload(destFacts('kind missing\ntools curl\n'), '/opt/nodir/x', false, null)).toThrow('Destination /opt/nodir does not exist');
    expect(() => decideDownload(destFacts('kind other\nparent\n'), '/dev/null', false, null)).toThrow(/not a file/);
  });
});

describe('the host downloader', () => {
  const request: Request = {
    url: 'http://10.231.0.1:8080/a "b".txt',
    headers: { 'X-Token': 'abc\\def' },
    username: 'ops',
    password: 'pa"ss',
    timeout: 10,
    validateCerts: false,
    httpAgent: 'ansible-httpget',
    ifModifiedSince: '/opt/a.txt',
  };

  it('gives curl every option, the credentials too, as a config on stdin, quoted', () => {
    expect(curlConfig(request).split('\n')).toEqual([
      'url = "http://10.231.0.1:8080/a \\"b\\".txt"',
      'location',
      'user-agent = "ansible-httpget"',
      'connect-timeout = 10',
      'speed-limit = 1',
      'speed-time = 10',
      'header = "X-Token: abc\\\\def"',
      'basic',
      'user = "ops:pa\\"ss"',
      'insecure',
      'time-cond = "/opt/a.txt"',
      '',
    ]);
    expect(() => curlConfig({ ...request, headers: { X: 'a\nurl = "http://elsewhere"' } })).toThrow(/line break/);
  });

  it('reads the download script\'s report and the dest\'s path info', () => {
    expect(downloadFacts('tmp /opt/.playgraph-get_url.Ab12\nstatus 200 12\nsha1 abc\nmd5 def\ndigest 123\n')).toEqual({ tmp: '/opt/.playgraph-get_url.Ab12', status: 200, size: 12, sha1: 'abc', digest: '123' });
    expect(parsePathInfo('644 0 0 root root 12\n')).toEqual({ mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', size: 12, state: 'file' });
    expect(parsePathInfo('4755 0 0 root root 1\n').mode).toBe('04755');
  });

  it('names a file in a directory dest after the URL', () => {
    expect(urlFilename('http://h/dl/redis-7.0.15.tar.gz?x=1')).toBe('redis-7.0.15.tar.gz');
    expect(urlFilename('http://h/')).toBe('index.html');
  });

  it('takes Ansible\'s parameter names and aliases', () => {
    const params = getUrlParams.parse({ url: 'http://h/a', dest: '/opt/a', username: 'u', password: 'p', headers: { 'X-N': 1 } });
    expect(params).toMatchObject({ url_username: 'u', url_password: 'p', force: false, timeout: 10, validate_certs: true, headers: { 'X-N': '1' } });
    expect(getUrlParams.safeParse({ url: 'http://h/a', dest: 'relative' }).success).toBe(false);
  });
});

describe('get_url bad input', () => {
  it('refuses a malformed checksum before the run', () => {
    const parsed = getUrlParams.safeParse({ url: 'http://h/a', dest: '/opt/a', checksum: 'sha256' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('The checksum parameter has to be in format <algorithm>:<checksum>');
    expect(getUrlParams.safeParse({ url: 'http://h/a', dest: '/opt/a', checksum: 'sha256:abc' }).success).toBe(true);
  });
});
