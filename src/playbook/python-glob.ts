import { lstatSync, opendirSync, statSync } from 'node:fs';
import path from 'node:path';

// Python's glob.glob (3.11, non-recursive) and fnmatch, for the fileglob lookup (`with_fileglob`),
// which Ansible runs on the controller with them. Names come in the directory's own order
// (readdir, as os.scandir gives them; fs.readdirSync would sort them), so a loop over the
// matches runs in the order Ansible's does.

const MAGIC = /[*?[]/;

/** fnmatch.translate's character set body `stuff` (between `[` and `]`), for a JavaScript class. */
function setClass(stuff: string[]): string {
  // Escapes that keep each character literal in a `u` class; ranges keep their bare `-`.
  const literal = (chars: string[]) => chars.map((c) => (c === '\\' || c === ']' || c === '-' || c === '|' ? `\\${c}` : c)).join('');
  let body: string;
  if (!stuff.includes('-')) body = literal(stuff);
  else {
    // As fnmatch: split at the range hyphens, drop empty ranges (a-Z), escape the rest.
    const chunks: string[][] = [];
    let i = 0;
    let k = stuff[0] === '!' ? 2 : 1;
    for (;;) {
      k = stuff.indexOf('-', k);
      if (k < 0) break;
      chunks.push(stuff.slice(i, k));
      i = k + 1;
      k += 3;
    }
    const rest = stuff.slice(i);
    if (rest.length > 0) chunks.push(rest);
    else chunks[chunks.length - 1].push('-');
    for (let c = chunks.length - 1; c > 0; c--) {
      const previous = chunks[c - 1];
      // Python's IndexError on an empty chunk (`[--]`): the pattern is refused, as there.
      if (previous.length === 0 || chunks[c].length === 0) throw new Error(`fnmatch: cannot translate the set [${stuff.join('')}]`);
      if (previous[previous.length - 1].codePointAt(0)! > chunks[c][0].codePointAt(0)!) {
        chunks[c - 1] = [...previous.slice(0, -1), ...chunks[c].slice(1)];
        chunks.splice(c, 1);
      }
    }
    body = chunks.map(literal).join('-');
  }
  if (body === '') return '(?!)';
  if (body === '!') return '[^]';
  if (body[0] === '!') return `[^${body.slice(1)}]`;
  if (body[0] === '^' || body[0] === '[') return `[\\${body}]`;
  return `[${body}]`;
}

/** fnmatch.translate: a shell pattern as an anchored regular expression. */
export function fnmatchRegExp(pattern: string): RegExp {
  const pat = Array.from(pattern);
  let source = '';
  let i = 0;
  while (i < pat.length) {
    const c = pat[i++];
    if (c === '*') {
      if (!source.endsWith('[^]*')) source += '[^]*';
    } else if (c === '?') source += '[^]';
    else if (c === '[') {
      let j = i;
      if (j < pat.length && pat[j] === '!') j += 1;
      if (j < pat.length && pat[j] === ']') j += 1;
      while (j < pat.length && pat[j] !== ']') j += 1;
      if (j >= pat.length) source += '\\[';
      else {
        source += setClass(pat.slice(i, j));
        i = j + 1;
      }
    } else source += c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`^(?:${source})$`, 'u');
}

function exists(file: string, follow: boolean): boolean {
  try {
    if (follow) statSync(file);
    else lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** glob._iterdir: the names in a directory in readdir order; nothing when it cannot be read. */
function listDir(dir: string, dirsOnly: boolean): string[] {
  const names: string[] = [];
  try {
    const handle = opendirSync(dir || '.');
    try {
      for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) {
        const isDir = entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(path.join(dir || '.', entry.name)));
        if (!dirsOnly || isDir) names.push(entry.name);
      }
    } finally {
      handle.closeSync();
    }
  } catch {
    return [];
  }
  return names;
}

/** os.path.split: the head loses its trailing slashes unless it is only slashes. */
function split(pathname: string): [string, string] {
  const cut = pathname.lastIndexOf('/') + 1;
  const head = pathname.slice(0, cut);
  const tail = pathname.slice(cut);
  return [/^\/+$/.test(head) ? head : head.replace(/\/+$/, ''), tail];
}

/** os.path.join of two parts, as glob joins a directory and a name. */
function join(dir: string, name: string): string {
  if (name.startsWith('/')) return name;
  if (dir === '' || dir.endsWith('/')) return dir + name;
  return `${dir}/${name}`;
}

function globInDir(dir: string, basename: string, dirsOnly: boolean): string[] {
  if (!MAGIC.test(basename)) {
    if (basename) return exists(join(dir, basename), false) ? [basename] : [];
    return isDirectory(dir) ? [basename] : [];
  }
  let names = listDir(dir, dirsOnly);
  if (basename[0] !== '.') names = names.filter((name) => name[0] !== '.');
  const regexp = fnmatchRegExp(basename);
  return names.filter((name) => regexp.test(name));
}

function iglob(pathname: string, dirsOnly: boolean): string[] {
  const [dirname, basename] = split(pathname);
  if (!MAGIC.test(pathname)) {
    if (basename) return exists(pathname, false) ? [pathname] : [];
    return isDirectory(dirname) ? [pathname] : [];
  }
  if (!dirname) return globInDir('', basename, dirsOnly);
  const dirs = dirname !== pathname && MAGIC.test(dirname) ? iglob(dirname, true) : [dirname];
  return dirs.flatMap((dir) => globInDir(dir, basename, dirsOnly).map((name) => join(dir, name)));
}

/** glob.glob(pattern) (recursive=False, include_hidden=False). */
export function pythonGlob(pattern: string): string[] {
  return iglob(pattern, false);
}

/** os.path.isfile: a file, following symlinks. */
export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
