// Turns one lab host into a server without a C compiler, honestly: in the host's own mount
// namespace (its sshd's), /usr and /var/lib/dpkg get copy-on-write overlays in which Debian's `gcc`
// package was never installed (its files, its cc/c89/c99 alternatives and its dpkg records gone),
// so `make` fails with the guide's `cc: not found`. The host's apt sees only a local repository
// holding that same package (repacked from this machine's installed files, as dpkg-repack would),
// so `apt-get install gcc` really installs it, runs its postinst and brings `cc` back, with no
// traffic off the machine. The first `apt-get install` finds no package lists (the host's are
// empty, as on a fresh server); the module's second try runs `apt-get update` first.
import { execFile } from 'node:child_process';
import { chmod, cp, lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LabHost } from '../../lab/lab-host.ts';
import { sshdPidFile } from '../../lab/lab-host.ts';

const execFileAsync = promisify(execFile);
/** The repacked package and its index, built once per machine. */
const REPO_CACHE = '/var/cache/playgraph/lab-apt-gcc';
const HOST_REPO = '/opt/pg-apt';
const APT_CONF = '/etc/apt/apt.conf.d/99playgraph-lab';
const ALTERNATIVES = ['cc', 'c89', 'c99'];

async function sh(script: string, args: string[] = []): Promise<string> {
  const { stdout } = await execFileAsync('sh', ['-c', script, 'sh', ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Runs a script inside the host's mount namespace (the one its sshd and every session share). */
async function inHost(host: LabHost, script: string): Promise<string> {
  const pid = (await readFile(sshdPidFile(host), 'utf8')).trim();
  const { stdout } = await execFileAsync('nsenter', ['-t', pid, '-m', '--', 'sh', '-ec', script], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Debian's installed `gcc` package rebuilt into a .deb, plus a flat repository index for it. */
async function ensureGccRepository(): Promise<string> {
  const packages = path.join(REPO_CACHE, 'Packages');
  if (await lstat(packages).then(() => true, () => false)) return REPO_CACHE;
  const stage = await mkdtemp(path.join(tmpdir(), 'pg-gcc-repack-'));
  try {
    const root = path.join(stage, 'root');
    await mkdir(path.join(root, 'DEBIAN'), { recursive: true });
    for (const file of (await readFile('/var/lib/dpkg/info/gcc.list', 'utf8')).split('\n').filter(Boolean)) {
      const info = await lstat(file).catch(() => null);
      if (!info || info.isDirectory()) continue;
      await mkdir(path.join(root, path.dirname(file)), { recursive: true });
      await cp(file, path.join(root, file), { verbatimSymlinks: true, preserveTimestamps: true });
    }
    const control = (await sh('dpkg-query -s gcc')).split('\n').filter((line) => !/^(Status|Config-Version):/.test(line)).join('\n').trim();
    await writeFile(path.join(root, 'DEBIAN', 'control'), control + '\n');
    for (const script of ['postinst', 'prerm', 'preinst', 'postrm']) {
      const source = `/var/lib/dpkg/info/gcc.${script}`;
      if (!(await lstat(source).then(() => true, () => false))) continue;
      await cp(source, path.join(root, 'DEBIAN', script));
      await chmod(path.join(root, 'DEBIAN', script), 0o755);
    }
    await cp('/var/lib/dpkg/info/gcc.md5sums', path.join(root, 'DEBIAN', 'md5sums'));
    const out = path.join(stage, 'repo');
    await mkdir(out);
    await execFileAsync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, out]);
    await sh('cd "$1" && dpkg-scanpackages --multiversion . /dev/null > Packages 2>/dev/null', [out]);
    await mkdir(path.dirname(REPO_CACHE), { recursive: true });
    await rm(REPO_CACHE, { recursive: true, force: true });
    await cp(out, REPO_CACHE, { recursive: true });
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  return REPO_CACHE;
}

/** dpkg's status file without the `gcc` stanza. */
async function statusWithoutGcc(): Promise<string> {
  const stanzas = (await readFile('/var/lib/dpkg/status', 'utf8')).split(/\n\n+/);
  return stanzas.filter((s) => !/^Package: gcc$/m.test(s.split('\n')[0] ?? '')).join('\n\n').trim() + '\n';
}

export interface HiddenCompiler {
  /** Whether `cc` resolves to an executable inside the host right now. */
  hasCompiler(): Promise<boolean>;
  restore(): Promise<void>;
}

export async function hideCompiler(host: LabHost): Promise<HiddenCompiler> {
  const repository = await ensureGccRepository();
  const work = path.join(host.root, 'nocc');
  for (const dir of ['usr-upper', 'usr-work', 'dpkg-upper', 'dpkg-work']) await mkdir(path.join(work, dir), { recursive: true });
  await writeFile(path.join(work, 'status'), await statusWithoutGcc());
  const hostRepo = path.join(host.root, HOST_REPO.replace(/^\//, ''));
  await cp(repository, path.join(hostRepo, 'repo'), { recursive: true });
  for (const dir of ['sources.list.d', 'lists/partial', 'cache/archives/partial', 'log']) await mkdir(path.join(hostRepo, dir), { recursive: true });
  await writeFile(path.join(hostRepo, 'sources.list'), `deb [trusted=yes] file:${HOST_REPO}/repo ./\n`);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  await inHost(
    host,
    [
      `mount -t overlay pg-nocc-usr -o ${q(`lowerdir=/usr,upperdir=${work}/usr-upper,workdir=${work}/usr-work`)} /usr`,
      // The overlay covers the host's private /usr/local bind mount: put it back on top.
      `mount --bind ${q(path.join(host.root, 'usr-local'))} /usr/local`,
      `mount -t overlay pg-nocc-dpkg -o ${q(`lowerdir=/var/lib/dpkg,upperdir=${work}/dpkg-upper,workdir=${work}/dpkg-work`)} /var/lib/dpkg`,
      `while read -r f; do [ -d "$f" ] || rm -f "$f"; done < /var/lib/dpkg/info/gcc.list`,
      ...ALTERNATIVES.map((a) => `rm -f /usr/bin/${a} /etc/alternatives/${a} /var/lib/dpkg/alternatives/${a}`),
      'rm -f /var/lib/dpkg/info/gcc.*',
      `cat ${q(path.join(work, 'status'))} > /var/lib/dpkg/status`,
      // apt's sources, lists, cache and logs of this host only: nothing of the controller's apt is used or written.
      `cat > ${APT_CONF} <<'EOF'`,
      `Dir::Etc::SourceList "${HOST_REPO}/sources.list";`,
      `Dir::Etc::SourceParts "${HOST_REPO}/sources.list.d";`,
      `Dir::State::Lists "${HOST_REPO}/lists";`,
      `Dir::Cache "${HOST_REPO}/cache";`,
      `Dir::Log "${HOST_REPO}/log";`,
      `DPkg::Options { "--log=${HOST_REPO}/log/dpkg.log"; };`,
      'EOF',
    ].join('\n'),
  );
  return {
    hasCompiler: async () => (await inHost(host, 'if [ -x "$(readlink -f /usr/bin/cc)" ] && [ -e /usr/bin/cc ]; then echo yes; else echo no; fi')).trim() === 'yes',
    restore: async () => {
      await inHost(
        host,
        [
          'umount -l /var/lib/dpkg || true',
          'umount -l /usr || true',
          `rm -f ${APT_CONF}`,
          // The hiding (or gcc's postinst) left this host its own alternatives links: point them where the controller's point.
          ...(await Promise.all(ALTERNATIVES.map(async (a) => `ln -sfn ${q(await readlink(`/etc/alternatives/${a}`))} /etc/alternatives/${a}`))),
        ].join('\n'),
      );
      await rm(work, { recursive: true, force: true });
      await rm(hostRepo, { recursive: true, force: true });
    },
  };
}
