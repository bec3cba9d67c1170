// Turns one lab host into a server without a C compiler, honestly: in the host's own mount
// namespace (its sshd's), /usr and /var/lib get copy-on-write overlays in which Debian's
// `gcc` and `gcc-N` packages, and the ones that cannot be installed without them (g++,
// build-essential), were never installed (their files, the cc/c89/c99/c++ alternatives and their
// dpkg records gone), and any other C compiler driver on PATH (clang...) is removed too, so
// `make` fails with the guide's `cc: not found`. The host's apt sees only a local repository
// holding those same packages (lab-apt-repo.ts), so `apt-get install gcc` really installs them,
// runs gcc's postinst and brings `cc` back, with no traffic off the machine; apt keeps its
// state, lists, cache and logs in the host's own /opt, and /var/log and /var/cache are overlays
// too (update-alternatives logs to /var/log, man-db's trigger rewrites /var/cache/man): the
// controller's /var is never written. The first `apt-get install` finds no
// package lists (the host's are empty, as on a fresh server); the module's second try runs
// `apt-get update` first.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LabHost } from '../../lab/lab-host.ts';
import { sshdPidFile } from '../../lab/lab-host.ts';
import { ensureRepackedRepository, owningPackage, packageFiles, statusWithout, withDependents } from './lab-apt-repo.ts';

const execFileAsync = promisify(execFile);
const HOST_APT = '/opt/pg-apt';
const APT_CONF = '/etc/apt/apt.conf.d/99playgraph-lab';
/** Where the host gets a private copy-on-write layer over the controller's directory. */
const OVERLAID = ['/usr', '/var/lib', '/var/log', '/var/cache'];
/** The alternatives gcc's and g++'s postinst scripts register. */
const ALTERNATIVES = ['cc', 'c89', 'c99', 'c++'];
/** Root's PATH in an SSH session on Debian: where the build looks for a compiler. */
const SESSION_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/**
 * A C compiler driver's name: cc, c89, c99, gcc, clang, tcc, c89-gcc, c99-gcc, with an optional
 * target triplet in front (x86_64-linux-gnu-gcc) and version behind (gcc-12, clang-16).
 * Not gcc-ar/gcc-nm (archive tools) nor cpp (the preprocessor).
 */
const C_COMPILER_DRIVER = /^(?:[a-z0-9_]+-linux-[a-z0-9_]+-)?(?:cc|c89|c99|gcc|clang|tcc|c89-gcc|c99-gcc)(?:-[0-9.]+)?$/;

/** Runs a script inside the host's mount namespace (the one its sshd and every session share). */
async function inHost(host: LabHost, script: string): Promise<string> {
  const pid = (await readFile(sshdPidFile(host), 'utf8')).trim();
  const { stdout } = await execFileAsync('nsenter', ['-t', pid, '-m', '--', 'env', `PATH=${SESSION_PATH}`, 'sh', '-ec', script], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Every C compiler driver `command -v` finds on the host's PATH. */
async function driversOnPath(host: LabHost): Promise<string[]> {
  const names = (await inHost(host, 'for d in $(echo "$PATH" | tr : " "); do ls -1 "$d" 2>/dev/null || true; done')).split('\n');
  const drivers = [...new Set(names.filter((n) => C_COMPILER_DRIVER.test(n)))];
  if (drivers.length === 0) return [];
  const q = drivers.map((n) => `'${n}'`).join(' ');
  return (await inHost(host, `for n in ${q}; do command -v "$n" || true; done`)).split('\n').filter(Boolean);
}

/** The controller's C compiler drivers (the same PATH), as absolute paths. */
async function controllerDrivers(): Promise<string[]> {
  const found: string[] = [];
  for (const dir of SESSION_PATH.split(':')) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (C_COMPILER_DRIVER.test(name) && !found.includes(path.join(dir, name))) found.push(path.join(dir, name));
    }
  }
  return found;
}

export interface HiddenCompiler {
  /** The C compiler drivers `command -v` finds on the host's PATH right now (none while hidden). */
  compilersOnPath(): Promise<string[]>;
  restore(): Promise<void>;
}

export async function hideCompiler(host: LabHost): Promise<HiddenCompiler> {
  // gcc (cc, c89, c99, gcc) and the gcc-N it points to (gcc-12, x86_64-linux-gnu-gcc-12): what
  // `apt-get install gcc` must bring back, so what the host's repository offers.
  const compilers = ['gcc', await owningPackage(await realpath('/usr/bin/gcc'))];
  const repository = await ensureRepackedRepository('lab-apt-compilers', compilers);
  const packages = await withDependents(compilers);
  const packaged = new Set((await Promise.all(packages.map(packageFiles))).flat());
  const alternatives = (await Promise.all(ALTERNATIVES.map(async (a) => ((await readlink(`/etc/alternatives/${a}`).catch(() => null)) ? [a] : [])))).flat();
  // Drivers of other packages (a clang, say): their files go, their packages stay recorded.
  const otherDrivers = (await controllerDrivers()).filter((file) => !packaged.has(file) && !alternatives.some((a) => file === `/usr/bin/${a}`));

  const work = path.join(host.root, 'nocc');
  for (const layer of OVERLAID) for (const dir of ['upper', 'work']) await mkdir(path.join(work, layer.slice(1).replace(/\//g, '-'), dir), { recursive: true });
  await writeFile(path.join(work, 'status'), await statusWithout(packages));
  await writeFile(path.join(work, 'hidden-files'), [...packaged, ...otherDrivers].join('\n') + '\n');
  const hostApt = path.join(host.root, HOST_APT.replace(/^\//, ''));
  for (const dir of ['sources.list.d', 'state/lists/partial', 'cache/archives/partial', 'log']) await mkdir(path.join(hostApt, dir), { recursive: true });
  await writeFile(path.join(hostApt, 'sources.list'), `deb [trusted=yes] file:${repository} ./\n`);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  await inHost(
    host,
    [
      ...OVERLAID.map((dir) => {
        const layer = path.join(work, dir.slice(1).replace(/\//g, '-'));
        return `mount -t overlay pg-nocc -o ${q(`lowerdir=${dir},upperdir=${layer}/upper,workdir=${layer}/work`)} ${dir}`;
      }),
      // The /usr overlay covers the host's private /usr/local bind mount: put it back on top.
      `mount --bind ${q(path.join(host.root, 'usr-local'))} /usr/local`,
      `while read -r f; do rm -f "$f"; done < ${q(path.join(work, 'hidden-files'))}`,
      ...alternatives.map((a) => `rm -f /usr/bin/${a} /etc/alternatives/${a} /var/lib/dpkg/alternatives/${a}`),
      ...packages.map((p) => `rm -f /var/lib/dpkg/info/${p}.*`),
      `cat ${q(path.join(work, 'status'))} > /var/lib/dpkg/status`,
      // apt's sources, state (lists, extended_states), cache and logs of this host only: nothing
      // of the controller's apt is used or written. dpkg's own state is the overlay above.
      `cat > ${APT_CONF} <<'EOF'`,
      `Dir::Etc::SourceList "${HOST_APT}/sources.list";`,
      `Dir::Etc::SourceParts "${HOST_APT}/sources.list.d";`,
      `Dir::State "${HOST_APT}/state";`,
      `Dir::State::status "/var/lib/dpkg/status";`,
      `Dir::Cache "${HOST_APT}/cache";`,
      `Dir::Log "${HOST_APT}/log";`,
      `DPkg::Options { "--log=${HOST_APT}/log/dpkg.log"; };`,
      'EOF',
    ].join('\n'),
  );
  return {
    compilersOnPath: () => driversOnPath(host),
    restore: async () => {
      await inHost(
        host,
        [
          ...OVERLAID.map((dir) => `umount -l ${dir} || true`),
          `rm -f ${APT_CONF}`,
          // The hiding (or gcc's postinst) left this host its own alternatives links: point them where the controller's point.
          ...(await Promise.all(alternatives.map(async (a) => `ln -sfn ${q(await readlink(`/etc/alternatives/${a}`))} /etc/alternatives/${a}`))),
        ].join('\n'),
      );
      await rm(work, { recursive: true, force: true });
      await rm(hostApt, { recursive: true, force: true });
    },
  };
}
