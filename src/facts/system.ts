import { EXEC_ID_VAR } from '../connect/remote-command.ts';
import { keyValues, lines, type Facts } from './facts.ts';
import { parseExportList } from './shell-words.ts';

// The user, env, date_time, service_mgr and pkg_mgr facts, each from its section of the
// script's output, by the rules of Ansible's collectors (module_utils/facts/system/*.py).

/** user.py: getpass.getuser() and that user's passwd entry (by name, else by the real uid). */
export function userFacts(section: string): Facts {
  const values = keyValues(section);
  const entry = (values.get('passwd') ?? '').split(':');
  const facts: Facts = { user_id: values.get('name') || entry[0] || '' };
  if (entry.length >= 7) {
    Object.assign(facts, { user_uid: Number(entry[2]), user_gid: Number(entry[3]), user_gecos: entry[4], user_dir: entry[5], user_shell: entry[6] });
  }
  const real = Number(values.get('uid'));
  // Ansible's effective_group_id is os.getgid(), the real group, as written in user.py.
  return { ...facts, real_user_id: real, effective_user_id: Number(values.get('euid')), real_group_id: Number(values.get('gid')), effective_group_id: Number(values.get('gid')) };
}

/** env.py: the environment the command ran with, less the mark playgraph's connection adds to every command. */
export function envFacts(section: string): Facts {
  const { [EXEC_ID_VAR]: _mark, ...env } = parseExportList(section);
  return { env };
}

/** date_time.py, from one `date` call (local fields, epoch, zone, nanoseconds) and the zone in January and July. */
export function dateTimeFacts(section: string): Facts {
  const [now = '', january = '', july = ''] = lines(section);
  const [year, month, weekday, weekdayNumber, weeknumber, day, hour, minute, second, epoch = '0', tz = '', tzOffset = '', nanos = '0'] = now.split('|');
  const micro = nanos.replace(/\D/g, '').padEnd(9, '0').slice(0, 6);
  const utc = new Date(Number(epoch) * 1000).toISOString().slice(0, 19);
  // time.tzname[1]: the zone's summer name; a zone without summer time has its one name twice.
  const [janName, janOffset] = january.split('|');
  const [julName, julOffset] = july.split('|');
  const summer = janOffset !== undefined && julOffset !== undefined && Number(janOffset) > Number(julOffset) ? janName : (julName ?? tz);
  return {
    date_time: {
      year, month, weekday, weekday_number: weekdayNumber, weeknumber, day, hour, minute, second,
      epoch, epoch_int: String(Number.parseInt(epoch, 10)),
      date: `${year}-${month}-${day}`,
      time: `${hour}:${minute}:${second}`,
      iso8601_micro: `${utc}.${micro}Z`,
      iso8601: `${utc}Z`,
      iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
      iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
      tz, tz_dst: summer || tz, tz_offset: tzOffset,
    },
  };
}

const PROC_1_MAP: Record<string, string> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' };

/** service_mgr.py on Linux: PID 1's name, else systemd's canaries, upstart, openrc, sysvinit. */
export function serviceMgrFacts(section: string, collected: Facts): Facts {
  const values = keyValues(section);
  const found = new Set(lines(section));
  const exists = (path: string) => found.has(`exists=${path}`);
  let proc1: string | undefined = values.has('comm') ? values.get('comm')!.trim() : values.get('ps');
  if (proc1 !== undefined && (!proc1.trim() || /^ *[0-9]+ /.test(proc1) || proc1 === 'COMMAND')) proc1 = undefined;
  if (proc1 === undefined && values.has('init')) proc1 = values.get('init');
  if (proc1 !== undefined) proc1 = (proc1.split('/').pop() ?? '').trim();
  if (proc1 !== undefined && (proc1 === 'init' || proc1.endsWith('sh'))) proc1 = undefined;
  let name: string | undefined;
  if (proc1 !== undefined) name = PROC_1_MAP[proc1] ?? proc1;
  else if (collected['system'] === 'Linux') {
    const systemctl = found.has('systemctl');
    if (systemctl && ['/run/systemd/system/', '/dev/.run/systemd/', '/dev/.systemd/'].some(exists)) name = 'systemd';
    else if (found.has('initctl') && exists('/etc/init/')) name = 'upstart';
    else if (exists('/sbin/openrc')) name = 'openrc';
    else if (systemctl && (values.get('init') ?? '').split('/').pop() === 'systemd') name = 'systemd';
    else if (exists('/etc/init.d/')) name = 'sysvinit';
  }
  return { service_mgr: name || 'service' };
}

const PKG_MGRS: ReadonlyArray<readonly [string, string]> = [
  ['/usr/bin/rpm-ostree', 'atomic_container'], ['/usr/bin/yum', 'yum'], ['/usr/bin/dnf', 'dnf'], ['/usr/bin/apt-get', 'apt'],
  ['/usr/bin/zypper', 'zypper'], ['/usr/sbin/urpmi', 'urpmi'], ['/usr/bin/pacman', 'pacman'], ['/bin/opkg', 'opkg'],
  ['/usr/pkg/bin/pkgin', 'pkgin'], ['/opt/local/bin/pkgin', 'pkgin'], ['/opt/tools/bin/pkgin', 'pkgin'], ['/opt/local/bin/port', 'macports'],
  ['/usr/local/bin/brew', 'homebrew'], ['/opt/homebrew/bin/brew', 'homebrew'], ['/sbin/apk', 'apk'], ['/usr/sbin/pkg', 'pkgng'],
  ['/usr/sbin/swlist', 'swdepot'], ['/usr/bin/emerge', 'portage'], ['/usr/sbin/pkgadd', 'svr4pkg'], ['/usr/bin/pkg', 'pkg5'],
  ['/usr/bin/xbps-install', 'xbps'], ['/usr/local/sbin/pkg', 'pkgng'], ['/usr/bin/swupd', 'swupd'], ['/usr/sbin/sorcery', 'sorcery'],
  ['/usr/bin/installp', 'installp'], ['/QOpenSys/pkgs/bin/yum', 'yum'],
];

/** pkg_mgr.py: the last package manager of Ansible's list that exists, then the family's rules. */
export function pkgMgrFacts(section: string, collected: Facts): Facts {
  const present = new Set(lines(section));
  const family = collected['os_family'];
  let name = 'unknown';
  for (const [path, manager] of PKG_MGRS) {
    if (family === 'Altlinux' && path === '/usr/bin/pkg') continue;
    if (present.has(path)) name = manager;
  }
  const has = (manager: string) => PKG_MGRS.some(([path, m]) => m === manager && present.has(path));
  if (family === 'RedHat') {
    const major = Number.parseInt(String(collected['distribution_major_version']), 10);
    if (present.has('/run/ostree-booted')) name = 'atomic_container';
    else if (collected['distribution'] === 'Fedora' || collected['distribution'] === 'Amazon') {
      const limit = collected['distribution'] === 'Fedora' ? 23 : 2022;
      if (Number.isNaN(major)) name = 'dnf';
      else if (major < limit) name = has('yum') ? 'yum' : name;
      else name = has('dnf') ? 'dnf' : name;
    } else name = major < 8 ? 'yum' : 'dnf';
  } else if (family === 'Debian' && name !== 'apt') name = 'apt';
  else if (family === 'Altlinux' && name === 'apt') name = 'apt_rpm';
  if (name === 'apt' && present.has('/usr/bin/rpm')) name = present.has('apt_rpm') ? 'apt_rpm' : 'apt';
  return { pkg_mgr: name };
}
