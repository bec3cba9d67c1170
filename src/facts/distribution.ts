import type { Facts } from './facts.ts';

// distribution, distribution_version, _major_version, _release and os_family as Ansible 2.14
// derives them (module_utils/facts/system/distribution.py): first a guess from the `distro`
// library (os-release, lsb_release, a distro release file, /etc/debian_version), then the first
// distribution file of Ansible's OSDIST_LIST that parses. The file parsers written here are the
// Debian family's (Debian, Ubuntu, Kali, Devuan, Mint...), the Red Hat family's by search string,
// Amazon, Alpine, Arch, OpenWrt, Slackware, SUSE (os-release) and the generic NA; a distribution
// needing another (Mandriva, Coreos, Flatcar, Clear Linux, SLES 11's SuSE-release) keeps the guess.

/** A file the script printed: its size, or only whether it has any (Ansible skips some empty files), and content. */
export interface DistFile {
  size: number;
  content: string;
}

export interface DistributionInput {
  files: Map<string, DistFile>;
  /** `lsb_release -a`, or '' when there is none. */
  lsb: string;
}

const OSDIST_LIST: ReadonlyArray<{ path: string; name: string; allowEmpty?: boolean }> = [
  { path: '/etc/altlinux-release', name: 'Altlinux' }, { path: '/etc/oracle-release', name: 'OracleLinux' },
  { path: '/etc/slackware-version', name: 'Slackware' }, { path: '/etc/centos-release', name: 'CentOS' },
  { path: '/etc/redhat-release', name: 'RedHat' }, { path: '/etc/vmware-release', name: 'VMwareESX', allowEmpty: true },
  { path: '/etc/openwrt_release', name: 'OpenWrt' }, { path: '/etc/os-release', name: 'Amazon' },
  { path: '/etc/system-release', name: 'Amazon' }, { path: '/etc/alpine-release', name: 'Alpine' },
  { path: '/etc/arch-release', name: 'Archlinux', allowEmpty: true }, { path: '/etc/os-release', name: 'Archlinux' },
  { path: '/etc/os-release', name: 'SUSE' }, { path: '/etc/SuSE-release', name: 'SUSE' },
  { path: '/etc/gentoo-release', name: 'Gentoo' }, { path: '/etc/os-release', name: 'Debian' },
  { path: '/etc/lsb-release', name: 'Debian' }, { path: '/etc/lsb-release', name: 'Mandriva' },
  { path: '/etc/sourcemage-release', name: 'SMGL' }, { path: '/usr/lib/os-release', name: 'ClearLinux' },
  { path: '/etc/coreos/update.conf', name: 'Coreos' }, { path: '/etc/os-release', name: 'Flatcar' },
  { path: '/etc/os-release', name: 'NA' },
];

const SEARCH_STRING: Record<string, string> = { OracleLinux: 'Oracle Linux', RedHat: 'Red Hat', Altlinux: 'ALT', SMGL: 'Source Mage GNU/Linux' };
const OS_RELEASE_ALIAS: Record<string, string> = { Archlinux: 'Arch Linux' };

const OS_FAMILY_MAP: Record<string, string[]> = {
  RedHat: ['RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM', 'OracleLinux', 'OVS', 'OEL', 'Amazon', 'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS', 'openEuler', 'AlmaLinux', 'Rocky', 'TencentOS', 'EuroLinux', 'Kylin Linux Advanced Server'],
  Debian: ['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali', 'Cumulus Linux', 'Pop!_OS', 'Parrot', 'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC'],
  Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap'],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
  Mandrake: ['Mandrake', 'Mandriva'],
  Solaris: ['Solaris', 'Nexenta', 'OmniOS', 'OpenIndiana', 'SmartOS'],
  Slackware: ['Slackware'], Altlinux: ['Altlinux'], SGML: ['SGML'], Gentoo: ['Gentoo', 'Funtoo'], Alpine: ['Alpine'],
  AIX: ['AIX'], 'HP-UX': ['HPUX'], Darwin: ['MacOSX'], FreeBSD: ['FreeBSD', 'TrueOS'], ClearLinux: ['Clear Linux OS', 'Clear Linux Mix'],
  DragonFly: ['DragonflyBSD', 'DragonFlyBSD', 'Gentoo/DragonflyBSD', 'Gentoo/DragonFlyBSD'], NetBSD: ['NetBSD'],
};
const OS_FAMILY = new Map(Object.entries(OS_FAMILY_MAP).flatMap(([family, names]) => names.map((name) => [name, family] as const)));

/** os-release as Python's shlex (posix, whitespace_split) tokenises it: quotes, escapes, comments. */
export function parseOsRelease(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  const tokens: string[] = [];
  let token: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf(c, i + 1);
      const stop = end < 0 ? text.length : end;
      token = (token ?? '') + text.slice(i + 1, stop);
      i = stop;
    } else if (c === '"') {
      // In double quotes shlex's escape only takes a quote or a backslash.
      token ??= '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
        token += text[i];
      }
    } else if (c === '\\' && i + 1 < text.length) {
      token = (token ?? '') + (text[i + 1] === '\n' ? '' : text[i + 1]);
      i++;
    } else if (c === '#' && token === null) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (/\s/.test(c)) {
      if (token !== null) tokens.push(token);
      token = null;
    } else token = (token ?? '') + c;
  }
  if (token !== null) tokens.push(token);
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq > 0) props[t.slice(0, eq).toLowerCase()] = t.slice(eq + 1);
  }
  if ('version_codename' in props) props['codename'] = props['version_codename']!;
  else if ('ubuntu_codename' in props) props['codename'] = props['ubuntu_codename']!;
  else if ('version' in props) {
    const match = /(\(\D+\))|,(\s+)?\D+/.exec(props['version']!);
    if (match) props['codename'] = match[0].replace(/^\(+|\)+$/g, '').replace(/^,+|,+$/g, '').trim();
  }
  return props;
}

function parseLsb(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) props[line.slice(0, colon).replace(/ /g, '_').toLowerCase()] = line.slice(colon + 1).trim();
  }
  return props;
}

/** distro's reading of a release file line ("CentOS Linux release 7.9.2009 (Core)"), matched reversed as distro does. */
function parseReleaseLine(line: string): Record<string, string> {
  const reversed = [...line.trim()].reverse().join('');
  const match = /^(?:[^)]*\)(.*)\()? *(?:STL )?([\d.+\-a-z]*\d) *(?:esaeler *)?(.+)/.exec(reversed);
  const back = (s: string) => [...s].reverse().join('');
  if (match) return { name: back(match[3]!), ...(match[2] ? { version_id: back(match[2]) } : {}), ...(match[1] ? { codename: back(match[1]) } : {}) };
  return line ? { name: line.trim() } : {};
}

const IGNORED_RELEASE_FILES = new Set(['debian_version', 'lsb-release', 'oem-release', 'os-release', 'system-release', 'plesk-release', 'iredmail-release']);

/** distro's release file: the first /etc/<id>-release (or _version) by name, as it lists /etc. */
function releaseFileInfo(files: Map<string, DistFile>): Record<string, string> {
  const names = [...files.keys()].filter((p) => /^\/etc\/[^/]+$/.test(p)).map((p) => p.slice(5)).sort();
  for (const name of names) {
    const match = /^(\w+)[-_](release|version)$/.exec(name);
    if (!match || IGNORED_RELEASE_FILES.has(name)) continue;
    const info = parseReleaseLine(files.get(`/etc/${name}`)!.content.split('\n')[0] ?? '');
    const id = match[1]!.toLowerCase();
    return { ...info, id: info['name']?.toLowerCase().includes('cloudlinux') ? 'cloudlinux' : id === 'redhat' ? 'rhel' : id };
  }
  return {};
}

/** What Ansible's _guess_distribution reads from the distro library. */
function guess(input: DistributionInput): Facts {
  const osFile = input.files.get('/etc/os-release') ?? input.files.get('/usr/lib/os-release');
  const os = osFile ? parseOsRelease(osFile.content) : {};
  const lsb = parseLsb(input.lsb);
  const release = releaseFileInfo(input.files);
  const normalize = (id: string, table: Record<string, string>) => table[id.toLowerCase().replace(/ /g, '_')] ?? id.toLowerCase().replace(/ /g, '_');
  const id = os['id']
    ? normalize(os['id'], { ol: 'oracle', 'opensuse-leap': 'opensuse' })
    : lsb['distributor_id']
      ? normalize(lsb['distributor_id'], { enterpriseenterpriseas: 'oracle', enterpriseenterpriseserver: 'oracle', redhatenterpriseworkstation: 'rhel', redhatenterpriseserver: 'rhel', redhatenterprisecomputenode: 'rhel' })
      : (release['id'] ?? '');
  const versions = [
    os['version_id'] ?? '', lsb['release'] ?? '', release['version_id'] ?? '',
    parseReleaseLine(os['pretty_name'] ?? '')['version_id'] ?? '', parseReleaseLine(lsb['description'] ?? '')['version_id'] ?? '',
  ];
  if (id === 'debian' || (os['id_like'] ?? '').split(/\s+/).includes('debian')) versions.push((input.files.get('/etc/debian_version')?.content ?? '').trim());
  const dots = (v: string) => v.split('.').length - 1;
  const best = versions.reduce((chosen, v) => (dots(v) > dots(chosen) || chosen === '' ? v : chosen), '');
  let version = versions.find((v) => v !== '') ?? '';
  if (id === 'centos') version = best.split('.').slice(0, 2).join('.');
  if (id === 'debian') version = best;
  // get_distribution_codename: an empty VERSION_CODENAME stays empty; distro.codename()'s empty answer is none.
  let codename: string | undefined = os['version_codename'] ?? os['ubuntu_codename'] ?? (id === 'ubuntu' ? lsb['codename'] : undefined);
  codename ??= (os['codename'] ?? (lsb['codename'] || release['codename'] || '')) || undefined;
  let name = id ? id[0]!.toUpperCase() + id.slice(1).toLowerCase() : 'OtherLinux';
  if (name === 'Amzn') name = 'Amazon';
  else if (name === 'Rhel') name = 'Redhat';
  const distributionVersion = version || 'NA';
  return {
    distribution: name || 'NA',
    distribution_version: distributionVersion,
    distribution_release: codename ?? 'NA',
    distribution_major_version: distributionVersion.split('.')[0] || 'NA',
  };
}

type Parsed = [boolean, Facts];

function parseDebian(data: string, path: string, collected: Facts, input: DistributionInput): Parsed {
  const facts: Facts = {};
  const version = (re: RegExp) => re.exec(data)?.[1];
  if (data.includes('Debian') || data.includes('Raspbian')) {
    facts['distribution'] = 'Debian';
    const release = /PRETTY_NAME=[^(]+ \(?([^)]+?)\)/.exec(data);
    if (release) facts['distribution_release'] = release[1];
    // (Ansible asks dpkg for tzdata's release when none is known: only very old Debian.)
    for (const line of (input.files.get('/etc/debian_version')?.content ?? '').split('\n')) {
      const m = /(\d+)\.(\d+)/.exec(line.trim());
      if (m) facts['distribution_minor_version'] = m[2];
    }
  } else if (data.includes('Ubuntu')) facts['distribution'] = 'Ubuntu';
  else if (data.includes('SteamOS')) facts['distribution'] = 'SteamOS';
  else if ((path === '/etc/lsb-release' || path === '/etc/os-release') && (data.includes('Kali') || data.includes('Parrot'))) {
    facts['distribution'] = data.includes('Kali') ? 'Kali' : 'Parrot';
    const release = version(/DISTRIB_RELEASE=(.*)/);
    if (release !== undefined) facts['distribution_release'] = release;
  } else if (data.includes('Devuan')) {
    facts['distribution'] = 'Devuan';
    const release = version(/PRETTY_NAME="?[^("]+ \(?([^) "]+)\)?/);
    if (release !== undefined) facts['distribution_release'] = release;
    const v = version(/VERSION_ID="(.*)"/);
    if (v !== undefined) Object.assign(facts, { distribution_version: v, distribution_major_version: v });
  } else if (data.includes('Mint')) {
    facts['distribution'] = 'Linux Mint';
    const v = version(/VERSION_ID="(.*)"/);
    if (v !== undefined) Object.assign(facts, { distribution_version: v, distribution_major_version: v.split('.')[0] });
  } else return [false, facts];
  void collected;
  return [true, facts];
}

/** SUSE from /etc/os-release (the old /etc/SuSE-release of SLES 11 is not read: the guess stands). */
function parseSuse(data: string, path: string): Parsed {
  if (!data.toLowerCase().includes('suse') || path !== '/etc/os-release') return [false, {}];
  const facts: Facts = {};
  const lower = data.toLowerCase();
  for (const line of data.split('\n')) {
    const name = /^NAME=(.*)/.exec(line);
    if (name) facts['distribution'] = name[1]!.replace(/^"+|"+$/g, '');
    const version = /^VERSION_ID="?([0-9]+\.?[0-9]*)"?/.exec(line);
    if (version) Object.assign(facts, { distribution_version: version[1], distribution_major_version: version[1]!.split('.')[0] });
    const release = /^VERSION_ID="?[0-9]+\.?([0-9]*)"?/.exec(line);
    if (lower.includes('open')) {
      if (release) facts['distribution_release'] = release[1];
    } else if (lower.includes('enterprise') && line.includes('VERSION_ID') && release) facts['distribution_release'] = release[1] || '0';
  }
  return [true, facts];
}

function parseFile(name: string, rawData: string, path: string, collected: Facts, input: DistributionInput): Parsed {
  const data = rawData.replace(/^['"\\]+|['"\\]+$/g, '');
  if (name in SEARCH_STRING) {
    if (data.includes(SEARCH_STRING[name]!)) return [true, { distribution: name, distribution_file_search_string: SEARCH_STRING[name] }];
    return [true, { distribution: data.split(/\s+/).filter(Boolean)[0] ?? '' }];
  }
  if (name in OS_RELEASE_ALIAS) return data.includes(OS_RELEASE_ALIAS[name]!) ? [true, { distribution: name }] : [false, {}];
  switch (name) {
    case 'Debian':
      return parseDebian(data, path, collected, input);
    case 'Alpine':
      return [true, { distribution: 'Alpine', distribution_version: data }];
    case 'Slackware': {
      if (!data.includes('Slackware')) return [false, {}];
      const v = /\w+[.]\w+\+?/.exec(data);
      return [true, { distribution: name, ...(v ? { distribution_version: v[0] } : {}) }];
    }
    case 'OpenWrt': {
      if (!data.includes('OpenWrt')) return [false, {}];
      const v = /DISTRIB_RELEASE="(.*)"/.exec(data);
      const r = /DISTRIB_CODENAME="(.*)"/.exec(data);
      return [true, { distribution: name, ...(v ? { distribution_version: v[1] } : {}), ...(r ? { distribution_release: r[1] } : {}) }];
    }
    case 'CentOS':
      if (data.includes('CentOS Stream')) return [true, { distribution_release: 'Stream' }];
      if (data.includes('TencentOS Server')) return [true, { distribution: 'TencentOS' }];
      return [false, {}];
    case 'Amazon': {
      if (!data.includes('Amazon')) return [false, {}];
      if (path !== '/etc/os-release') return [true, { distribution: 'Amazon', distribution_version: data.split(/\s+/).find((n) => /^\d+$/.test(n)) ?? 'NA' }];
      const v = /VERSION_ID="(.*)"/.exec(data)?.[1];
      if (v === undefined) return [true, { distribution: 'Amazon' }];
      const [major, minor] = v.split('.').length > 1 ? v.split('.') : [v, 'NA'];
      return [true, { distribution: 'Amazon', distribution_version: v, distribution_major_version: major, distribution_minor_version: minor }];
    }
    case 'SUSE':
      return parseSuse(data, path);
    case 'NA': {
      const facts: Facts = {};
      for (const line of data.split('\n')) {
        const n = /^NAME=(.*)/.exec(line);
        if (n) facts['distribution'] = n[1]!.replace(/^"+|"+$/g, '');
        const v = /^VERSION=(.*)/.exec(line);
        if (v && collected['distribution_version'] === 'NA') facts['distribution_version'] = v[1]!.replace(/^"+|"+$/g, '');
      }
      return [true, facts];
    }
    default:
      // Mandriva, Coreos, Flatcar, ClearLinux: not parsed here; the guess stands (Gentoo has no parser in Ansible either).
      return [false, {}];
  }
}

/** The distribution facts of a Linux host from its distribution files and lsb_release. */
export function distributionFacts(input: DistributionInput): Facts {
  const facts = guess(input);
  for (const { path, name, allowEmpty } of OSDIST_LIST) {
    const file = input.files.get(path);
    if (!file || (file.size === 0 && !allowEmpty)) continue;
    if (allowEmpty) {
      Object.assign(facts, { distribution: name, distribution_file_path: path, distribution_file_variety: name });
      break;
    }
    // Ansible reads each file stripped (get_file_content).
    const [parsed, found] = parseFile(name, file.content.trim(), path, facts, input);
    if (parsed) {
      Object.assign(facts, { distribution: name, distribution_file_path: path, distribution_file_variety: name, distribution_file_parsed: true }, found);
      break;
    }
  }
  const distribution = String(facts['distribution']);
  facts['os_family'] = OS_FAMILY.get(distribution) ?? distribution;
  return facts;
}
