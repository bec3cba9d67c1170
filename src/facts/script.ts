import type { Collector } from './subsets.ts';

// The one command that reads a host's facts: a POSIX sh script (dash, busybox ash) that prints
// the raw material of every collector asked for, each section after a marker line, so gathering
// costs one round trip per host. It only prints what it finds (files, /proc, /sys, `ip`,
// `getent`...); every derivation (Ansible's rules in module_utils/facts/**) is done on the
// controller by the pure parsers beside this file, tested from recorded outputs.

/** The marker before each section: `@@pgfacts:<name>@@` on a line of its own. */
export const SECTION_MARKER = /\n@@pgfacts:([\w.-]+)@@\n/;

const HELPERS = String.raw`
m() { printf '\n@@pgfacts:%s@@\n' "$1"; }
have() { command -v "$1" >/dev/null 2>&1; }
# Ansible's get_bin_path: PATH plus the sbin directories.
bin() { command -v "$1" 2>/dev/null || for d in /sbin /usr/sbin /usr/local/sbin; do [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }; done; return 1; }
# A file as a section of its own when it exists: 1 if it has content, else 0 (Ansible skips some empty files).
showfile() { if [ -f "$1" ]; then if [ -s "$1" ]; then printf '@@file %s 1\n' "$1"; else printf '@@file %s 0\n' "$1"; fi; cat "$1" 2>/dev/null; echo; fi; }
# The first line of a small file as key=value, with the shell's own read (no process per file).
kv() { v=''; [ -e "$1" ] || return 0; { IFS= read -r v || :; } <"$1" 2>/dev/null; printf '%s=%s\n' "$2" "$v"; }
`;

const PLATFORM = String.raw`
m uname; uname -s; uname -r; uname -v; uname -m; uname -n
# socket.getfqdn(): the node name resolved to its first address, then that address's host entry.
m fqdn; if have getent; then a=$(getent ahosts "$(uname -n)" 2>/dev/null | awk 'NR==1{print $1}'); [ -n "$a" ] && getent hosts "$a"; fi
m userspace; getconf LONG_BIT 2>/dev/null
m machine_id; cat /var/lib/dbus/machine-id 2>/dev/null || cat /etc/machine-id 2>/dev/null
`;

const DISTRIBUTION_FILES = [
  '/etc/altlinux-release', '/etc/oracle-release', '/etc/slackware-version', '/etc/centos-release', '/etc/redhat-release',
  '/etc/vmware-release', '/etc/openwrt_release', '/etc/system-release', '/etc/alpine-release', '/etc/arch-release',
  '/etc/SuSE-release', '/etc/gentoo-release', '/etc/lsb-release', '/etc/sourcemage-release', '/etc/coreos/update.conf',
  '/etc/debian_version', '/etc/os-release', '/usr/lib/os-release',
];

const DISTRIBUTION = String.raw`
m distfiles; for f in ${DISTRIBUTION_FILES.join(' ')}; do showfile "$f"; done
# lsb_release (a Python program, the slowest step here) only tells what os-release does not:
# asked only when os-release lacks an ID or a VERSION_ID.
m lsb; if ! grep -qs '^ID=' /etc/os-release || ! grep -qs '^VERSION_ID=' /etc/os-release; then have lsb_release && lsb_release -a 2>/dev/null; fi
`;

const ENV = String.raw`
m env; export -p
`;

const USER = [
  '',
  // getpass.getuser(): the login name from the environment, else the real uid's entry.
  'm user; u=${LOGNAME:-${USER:-${LNAME:-${USERNAME:-}}}}',
  `printf 'name=%s\\nuid=%s\\neuid=%s\\ngid=%s\\negid=%s\\n' "$u" "$(id -ru)" "$(id -u)" "$(id -rg)" "$(id -g)"`,
  `p=''; [ -n "$u" ] && p=$(getent passwd "$u" 2>/dev/null || grep "^$u:" /etc/passwd 2>/dev/null)`,
  `[ -n "$p" ] || p=$(getent passwd "$(id -ru)" 2>/dev/null || awk -F: -v id="$(id -ru)" '$3 == id' /etc/passwd 2>/dev/null)`,
  `printf 'passwd=%s\\n' "$p" | head -n 1`,
  '',
].join('\n');

const DATE_TIME = String.raw`
m date_time; LC_ALL=C date '+%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%Z|%z|%N'
# time.tzname[1]: the zone's summer name, told apart by the larger UTC offset (GNU date only).
for d in 01-01 07-01; do LC_ALL=C date -d "$(date +%Y)-$d 12:00" '+%Z|%z' 2>/dev/null; done
`;

const PKG_PATHS = [
  '/usr/bin/rpm-ostree', '/usr/bin/yum', '/usr/bin/dnf', '/usr/bin/apt-get', '/usr/bin/zypper', '/usr/sbin/urpmi',
  '/usr/bin/pacman', '/bin/opkg', '/usr/pkg/bin/pkgin', '/opt/local/bin/pkgin', '/opt/tools/bin/pkgin', '/opt/local/bin/port',
  '/usr/local/bin/brew', '/opt/homebrew/bin/brew', '/sbin/apk', '/usr/sbin/pkg', '/usr/sbin/swlist', '/usr/bin/emerge',
  '/usr/sbin/pkgadd', '/usr/bin/pkg', '/usr/bin/xbps-install', '/usr/local/sbin/pkg', '/usr/bin/swupd', '/usr/sbin/sorcery',
  '/usr/bin/installp', '/QOpenSys/pkgs/bin/yum', '/run/ostree-booted', '/usr/bin/rpm',
];

const PKG_MGR = String.raw`
m pkg_mgr; for p in ${PKG_PATHS.join(' ')}; do [ -e "$p" ] && echo "$p"; done
[ -e /usr/bin/rpm ] && /usr/bin/rpm -q --whatprovides /usr/bin/apt-get >/dev/null 2>&1 && echo apt_rpm
`;

const SERVICE_MGR = String.raw`
m service_mgr; if [ -r /proc/1/comm ]; then printf 'comm=%s\n' "$(cat /proc/1/comm)"; else printf 'ps=%s\n' "$(ps -p 1 -o comm 2>/dev/null | tail -n 1)"; fi
[ -L /sbin/init ] && printf 'init=%s\n' "$(readlink /sbin/init)"
bin systemctl >/dev/null && echo systemctl
bin initctl >/dev/null && echo initctl
for p in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/; do [ -e "$p" ] && echo "exists=$p"; done
`;

const HARDWARE = String.raw`
m cpuinfo; cat /proc/cpuinfo 2>/dev/null
m xen; [ -e /proc/xen ] && echo proc; head -n 1 /sys/hypervisor/type 2>/dev/null
m nproc; nproc 2>/dev/null
m meminfo; cat /proc/meminfo 2>/dev/null
m mtab; if [ -e /etc/mtab ]; then cat /etc/mtab; else cat /proc/mounts; fi
m findmnt; have findmnt && findmnt --list --noheadings --notruncate 2>/dev/null
m lsblk; have lsblk && lsblk --list --noheadings --paths --output NAME,UUID --exclude 2 2>/dev/null
m statfs; { if [ -e /etc/mtab ]; then cat /etc/mtab; else cat /proc/mounts; fi; } | while read -r dev mp fs rest; do
  case "$dev" in /*|\\*) ;; *:/*) ;; *) continue ;; esac
  [ "$fs" = none ] && continue
  mp=$(printf '%b' "$mp"); dev=$(printf '%b' "$dev")
  # statvfs of each mount, bounded as Ansible bounds it (a hung NFS server must not hang the play).
  if have timeout; then s=$(timeout $PGFACTS_TIMEOUT stat -f -c '%S|%s|%b|%a|%c|%d' "$mp" 2>/dev/null); else s=$(stat -f -c '%S|%s|%b|%a|%c|%d' "$mp" 2>/dev/null); fi
  u=''; have udevadm && u=$(udevadm info --query property --name "$dev" 2>/dev/null | sed -n 's/^ID_FS_UUID=//p' | head -n 1)
  printf '%s|%s|%s\n' "$mp" "$s" "$u"
done
`;

// Without \`ip\` Ansible reports no network facts at all: then the sections are left out.
const NETWORK = String.raw`
if have ip; then
m route4; ip -4 route get 8.8.8.8 2>/dev/null
m ifaces; for d in $(ls -f /sys/class/net 2>/dev/null); do
  case "$d" in .|..) continue ;; esac
  p=/sys/class/net/$d; [ -d "$p" ] || continue
  printf '@@iface %s\n' "$d"
  for k in address mtu operstate type speed flags; do kv "$p/$k" "$k"; done
  if [ -e "$p/bridge" ]; then printf 'bridge=%s\n' "$(ls -f "$p/brif" 2>/dev/null | grep -v '^\.\.\?$' | tr '\n' ' ')"; kv "$p/bridge/bridge_id" bridge_id; kv "$p/bridge/stp_state" stp_state; fi
  [ -e "$p/device/driver/module" ] && printf 'module=%s\n' "$(basename "$(readlink -f "$p/device/driver/module")")"
  [ -e "$p/device" ] && printf 'pciid=%s\n' "$(basename "$(readlink "$p/device")")"
  echo '@@primary'; ip addr show primary dev "$d" 2>/dev/null || ip addr show dev "$d" 2>/dev/null
  echo '@@secondary'; ip addr show secondary dev "$d" 2>/dev/null
done
fi
`;

const SNIPPETS: Record<Collector, string> = {
  platform: PLATFORM,
  distribution: DISTRIBUTION,
  env: ENV,
  user: USER,
  date_time: DATE_TIME,
  pkg_mgr: PKG_MGR,
  service_mgr: SERVICE_MGR,
  hardware: HARDWARE,
  network: NETWORK,
};

/** The script for these collectors (platform and distribution always: the others' rules read them). */
export function factsScript(collectors: ReadonlySet<Collector>, mountTimeoutSeconds = 10): string {
  const wanted = new Set<Collector>([...collectors, 'platform', 'distribution']);
  const order = Object.keys(SNIPPETS) as Collector[];
  return [`PGFACTS_TIMEOUT=${Math.max(1, Math.floor(mountTimeoutSeconds))}`, HELPERS, ...order.filter((name) => wanted.has(name)).map((name) => SNIPPETS[name]), 'm end\n'].join('');
}

/** The script's output split into its sections, by name. */
export function splitSections(output: string): Map<string, string> {
  const parts = `\n${output}`.split(SECTION_MARKER);
  const sections = new Map<string, string>();
  for (let i = 1; i + 1 < parts.length; i += 2) sections.set(parts[i]!, parts[i + 1]!);
  return sections;
}
