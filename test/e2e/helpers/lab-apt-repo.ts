// Installed Debian packages rebuilt into .debs (as dpkg-repack would) and indexed as a flat local
// apt repository, so a lab host that "never had" them can really `apt-get install` them, postinst
// included, with no traffic off the machine. Built once per machine and package version.
import { execFile } from 'node:child_process';
import { chmod, cp, lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const CACHE_ROOT = '/var/cache/playgraph';
const MAINTAINER_SCRIPTS = ['preinst', 'postinst', 'prerm', 'postrm'];

async function sh(script: string, args: string[] = []): Promise<string> {
  const { stdout } = await execFileAsync('sh', ['-c', script, 'sh', ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

const exists = (file: string) => lstat(file).then(() => true, () => false);

export async function installedVersion(pkg: string): Promise<string> {
  return (await execFileAsync('dpkg-query', ['-W', '-f=${Version}', pkg])).stdout.trim();
}

/** The files (not directories) dpkg records for an installed package. */
export async function packageFiles(pkg: string): Promise<string[]> {
  const files: string[] = [];
  for (const file of (await readFile(`/var/lib/dpkg/info/${pkg}.list`, 'utf8')).split('\n').filter(Boolean)) {
    const info = await lstat(file).catch(() => null);
    if (info && !info.isDirectory()) files.push(file);
  }
  return files;
}

/** The package that owns a file (`dpkg -S`), e.g. /usr/bin/x86_64-linux-gnu-gcc-12 -> gcc-12. */
export async function owningPackage(file: string): Promise<string> {
  return (await execFileAsync('dpkg', ['-S', file])).stdout.split(':')[0]!.trim();
}

/** The repository directory holding `packages` at their installed versions, built when missing or stale. */
export async function ensureRepackedRepository(name: string, packages: readonly string[]): Promise<string> {
  const repo = path.join(CACHE_ROOT, name);
  const index = await readFile(path.join(repo, 'Packages'), 'utf8').catch(() => '');
  const wanted = await Promise.all(packages.map(async (pkg) => `Package: ${pkg}\nVersion: ${await installedVersion(pkg)}\n`));
  if (wanted.every((stanza) => index.includes(stanza))) return repo;

  const stage = await mkdtemp(path.join(tmpdir(), 'pg-repack-'));
  try {
    const out = path.join(stage, 'repo');
    await mkdir(out);
    for (const pkg of packages) await repack(pkg, path.join(stage, pkg), out);
    await sh('cd "$1" && dpkg-scanpackages --multiversion . /dev/null > Packages 2>/dev/null', [out]);
    await rm(repo, { recursive: true, force: true });
    await cp(out, repo, { recursive: true });
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  return repo;
}

async function repack(pkg: string, root: string, out: string): Promise<void> {
  await mkdir(path.join(root, 'DEBIAN'), { recursive: true });
  for (const file of await packageFiles(pkg)) {
    await mkdir(path.join(root, path.dirname(file)), { recursive: true });
    await cp(file, path.join(root, file), { verbatimSymlinks: true, preserveTimestamps: true });
  }
  const control = (await execFileAsync('dpkg-query', ['-s', pkg])).stdout.split('\n').filter((line) => !/^(Status|Config-Version):/.test(line)).join('\n').trim();
  await writeFile(path.join(root, 'DEBIAN', 'control'), control + '\n');
  for (const script of MAINTAINER_SCRIPTS) {
    const source = `/var/lib/dpkg/info/${pkg}.${script}`;
    if (!(await exists(source))) continue;
    await cp(source, path.join(root, 'DEBIAN', script));
    await chmod(path.join(root, 'DEBIAN', script), 0o755);
  }
  if (await exists(`/var/lib/dpkg/info/${pkg}.md5sums`)) await cp(`/var/lib/dpkg/info/${pkg}.md5sums`, path.join(root, 'DEBIAN', 'md5sums'));
  // Uncompressed: built in a second instead of half a minute for gcc-N, and it never leaves the disk.
  await execFileAsync('dpkg-deb', ['--root-owner-group', '-Znone', '--build', root, out]);
}

interface InstalledPackage {
  name: string;
  provides: string[];
  /** Depends + Pre-Depends: each clause a list of alternative package names (versions dropped). */
  needs: string[][];
}

/** dpkg's status file, as stanzas with the fields that decide which packages a removal breaks. */
async function statusStanzas(): Promise<{ text: string; pkg: InstalledPackage }[]> {
  const field = (stanza: string, name: string) => new RegExp(`^${name}: (.*(?:\\n .*)*)`, 'm').exec(stanza)?.[1]?.replace(/\n /g, ' ') ?? '';
  const names = (list: string) => list.split(',').map((item) => item.trim().split(/[\s:(]/)[0]!).filter(Boolean);
  return (await readFile('/var/lib/dpkg/status', 'utf8'))
    .split(/\n\n+/)
    .filter((text) => text.trim() !== '')
    .map((text) => ({
      text,
      pkg: {
        name: field(text, 'Package'),
        provides: names(field(text, 'Provides')),
        needs: [field(text, 'Depends'), field(text, 'Pre-Depends')]
          .flatMap((list) => list.split(','))
          .filter((clause) => clause.trim() !== '')
          .map((clause) => names(clause.replace(/\|/g, ','))),
      },
    }));
}

/**
 * `packages` plus every installed package that hard-depends on them (transitively): hiding gcc-12
 * alone would leave g++-12 installed without it, a broken state no real server is in, and apt
 * refuses to install anything into a broken state.
 */
export async function withDependents(packages: readonly string[]): Promise<string[]> {
  const installed = (await statusStanzas()).map((s) => s.pkg).filter((p) => p.name !== '');
  const hidden = new Set(packages);
  const satisfiable = (name: string) => installed.some((p) => !hidden.has(p.name) && (p.name === name || p.provides.includes(name)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const pkg of installed) {
      if (hidden.has(pkg.name) || pkg.needs.every((alternatives) => alternatives.some(satisfiable))) continue;
      hidden.add(pkg.name);
      grew = true;
    }
  }
  return [...hidden];
}

/** dpkg's status file without the stanzas of `packages`: as if they had never been installed. */
export async function statusWithout(packages: readonly string[]): Promise<string> {
  const kept = (await statusStanzas()).filter((s) => !packages.includes(s.pkg.name));
  return kept.map((s) => s.text.trim()).join('\n\n') + '\n';
}
