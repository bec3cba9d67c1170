// The host side of get_url: shell scripts run on the host (POSIX sh, coreutils) that read the
// destination's facts, download into a temporary file beside it, and move it into place.

/** $1 dest, $2 checksum algorithm or "": prints kind, sha1, digest, parent, tools. */
export const DEST_FACTS_SCRIPT = [
  'd="$1"; a="$2"',
  'if [ -d "$d" ]; then echo "kind directory"',
  'elif [ -f "$d" ]; then echo "kind file"; echo "sha1 $(sha1sum < "$d" | cut -d" " -f1)"',
  '  if [ -n "$a" ]; then echo "digest $("${a}sum" < "$d" | cut -d" " -f1)"; fi',
  'elif [ -e "$d" ] || [ -L "$d" ]; then echo "kind other"',
  'else echo "kind missing"; fi',
  'if [ -d "$(dirname -- "$d")" ]; then echo parent; fi',
  't=; for x in curl python3; do if command -v "$x" >/dev/null 2>&1; then t="$t $x"; fi; done; echo "tools$t"',
].join('\n');

/** python3's downloader: the request as JSON on stdin, the body into $1; prints "<status> <bytes>". */
export const PYTHON_DOWNLOAD = `
import base64, email.utils, json, os, ssl, sys, urllib.error, urllib.request
r = json.load(sys.stdin)
h = dict(r['headers'])
h.setdefault('User-Agent', r['httpAgent'])
if r.get('username') is not None:
    h['Authorization'] = 'Basic ' + base64.b64encode(('%s:%s' % (r['username'], r.get('password') or '')).encode()).decode()
if r.get('ifModifiedSince'):
    h['If-Modified-Since'] = email.utils.formatdate(os.path.getmtime(r['ifModifiedSince']), usegmt=True)
ctx = None if r['validateCerts'] else ssl._create_unverified_context()
try:
    resp = urllib.request.urlopen(urllib.request.Request(r['url'], headers=h), timeout=r['timeout'], context=ctx)
    status = resp.status
except urllib.error.HTTPError as e:
    resp, status = e, e.code
except Exception as e:
    sys.stderr.write('Request failed: %s\\n' % e)
    sys.exit(1)
n = 0
with open(sys.argv[1], 'wb') as f:
    while True:
        b = resp.read(65536)
        if not b:
            break
        f.write(b)
        n += len(b)
print('%d %d' % (status, n))
`;

/**
 * $1 the dest's directory, $2 curl|python3, $3 checksum algorithm or "", $4 the python program;
 * the request on stdin. Prints tmp, status, sha1, md5, digest; removes the temporary file on failure.
 */
export const DOWNLOAD_SCRIPT = [
  'tmp=$(mktemp "$1/.playgraph-get_url.XXXXXX") || exit 1',
  'echo "tmp $tmp"',
  'if [ "$2" = curl ]; then out=$(curl -sS -K - -o "$tmp" -w "%{http_code} %{size_download}"); else out=$(python3 -c "$4" "$tmp"); fi',
  'rc=$?; if [ $rc -ne 0 ]; then rm -f "$tmp"; exit $rc; fi',
  'echo "status $out"',
  'echo "sha1 $(sha1sum < "$tmp" | cut -d" " -f1)"',
  'echo "md5 $(md5sum < "$tmp" | cut -d" " -f1)"',
  'if [ -n "$3" ]; then echo "digest $("${3}sum" < "$tmp" | cut -d" " -f1)"; fi',
].join('\n');

/**
 * $1 tmp, $2 dest: the new file takes the old one's mode and owner, or a new file's default mode
 * (0666 less the umask, as Ansible's atomic_move gives it; mktemp made it 0600), then replaces dest.
 */
export const MOVE_SCRIPT = [
  'set -e',
  'if [ -e "$2" ]; then chmod --reference="$2" "$1"; chown --reference="$2" "$1" 2>/dev/null || true',
  'else chmod "$(printf %o $((0666 & ~0$(umask))))" "$1"; fi',
  'mv -f "$1" "$2"',
].join('\n');

/** Prints what Ansible adds about a dest path: mode, uid, gid, owner, group, size. */
export const PATH_INFO_SCRIPT = 'stat -c "%a %u %g %U %G %s" -- "$1"';

export function parsePathInfo(output: string): Record<string, unknown> {
  const [mode = '0', uid, gid, owner, group, size] = output.trim().split(/\s+/);
  return { mode: `0${mode.padStart(3, '0')}`, uid: Number(uid), gid: Number(gid), owner, group, size: Number(size), state: 'file' };
}
