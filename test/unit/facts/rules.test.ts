import { describe, expect, it } from 'vitest';
import { parseOsRelease } from '../../../src/facts/distribution.ts';
import { cpuFacts } from '../../../src/facts/hardware.ts';
import { networkFacts } from '../../../src/facts/network.ts';
import { fqdnOf } from '../../../src/facts/platform.ts';
import { parseExportList } from '../../../src/facts/shell-words.ts';
import { pkgMgrFacts, serviceMgrFacts, userFacts } from '../../../src/facts/system.ts';

// Ansible's fact rules from data: os-release quoting, PID 1 and package
// managers, the passwd entry, `export -p` quoting, the resolver's answer for fqdn.

describe('distribution facts', () => {
  // Whole distributions are checked against Ansible's own collector in distribution-oracle.test.ts.
  it('os-release read as shlex reads it', () => {
    expect(parseOsRelease(`# comment\nNAME='It''s'\nX="a \\"b\\" c"\nVERSION="1 (Code Name)"\n`)).toMatchObject({ name: 'Its', x: 'a "b" c', codename: 'Code Name' });
  });
});

describe('service_mgr and pkg_mgr', () => {
  it.each([
    ['comm=systemd\n', 'systemd'],
    ['comm=procd\n', 'openwrt_init'],
    // PID 1 a shell or init: the canaries decide.
    ['comm=bash\nsystemctl\nexists=/run/systemd/system/\n', 'systemd'],
    ['comm=init\nexists=/sbin/openrc\n', 'openrc'],
    ['comm=sh\nexists=/etc/init.d/\n', 'sysvinit'],
    ['comm=sh\n', 'service'],
  ])('%j -> %s', (section, manager) => {
    expect(serviceMgrFacts(section, { system: 'Linux' })).toEqual({ service_mgr: manager });
  });

  it.each([
    ['/usr/bin/apt-get\n', { os_family: 'Debian' }, 'apt'],
    ['/usr/bin/yum\n/usr/bin/dnf\n', { os_family: 'RedHat', distribution: 'Rocky', distribution_major_version: '9' }, 'dnf'],
    ['/usr/bin/yum\n', { os_family: 'RedHat', distribution: 'CentOS', distribution_major_version: '7' }, 'yum'],
    ['/sbin/apk\n', { os_family: 'Alpine' }, 'apk'],
    ['', { os_family: 'Debian' }, 'apt'],
    ['', { os_family: 'Gentoo' }, 'unknown'],
  ])('%j on %j -> %s', (section, collected, manager) => {
    expect(pkgMgrFacts(section, collected)).toEqual({ pkg_mgr: manager });
  });
});

describe('user, env, fqdn, cpu, network', () => {
  it('the login name from the environment, its passwd entry', () => {
    expect(userFacts('name=pgdeploy\nuid=2000\neuid=2000\ngid=2000\negid=2000\npasswd=pgdeploy:x:2000:2000::/home/pgdeploy:/bin/sh\n')).toMatchObject({
      user_id: 'pgdeploy', user_uid: 2000, user_gid: 2000, user_gecos: '', user_dir: '/home/pgdeploy', user_shell: '/bin/sh', real_user_id: 2000,
    });
  });

  it('export -p as dash and bash print it, multi-line values included', () => {
    expect(parseExportList(`export A='x y'\nexport B='it'\\''s'\nexport C='line1\nline2'\nexport D\nexport E="q \\"r\\" \\$s"\n`)).toEqual({ A: 'x y', B: "it's", C: 'line1\nline2', E: 'q "r" $s' });
  });

  it.each([
    ['server1', '10.231.0.11     server1\n', 'server1'],
    ['web', '10.0.0.5 web.example.com web\n', 'web.example.com'],
    ['web', '10.0.0.5 web web.example.com\n', 'web.example.com'],
    ['lonely', '', 'lonely'],
  ])('fqdn of %s', (node, hosts, fqdn) => {
    expect(fqdnOf(node, hosts)).toBe(fqdn);
  });

  it('two sockets of four cores with hyperthreading', () => {
    const cpu = (n: number) => `processor\t: ${n}\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: ${n < 8 ? 0 : 1}\nsiblings\t: 8\ncore id\t\t: ${n % 4}\ncpu cores\t: 4\n\n`;
    const facts = cpuFacts({ cpuinfo: Array.from({ length: 16 }, (_, n) => cpu(n)).join(''), xen: '', nproc: '16' }, 'x86_64');
    expect(facts).toMatchObject({ processor_count: 2, processor_cores: 4, processor_threads_per_core: 2, processor_vcpus: 16, processor_nproc: 16 });
  });

  it('a secondary address, an alias label, the default route through a gateway', () => {
    const ifaces = '@@iface eth0\naddress=52:54:00:12:34:56\nmtu=1500\noperstate=up\ntype=1\n@@primary\n2: eth0: <UP>\n    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\n@@secondary\n    inet 10.0.0.6/24 brd 10.0.0.255 scope global secondary eth0:1\n';
    const facts = networkFacts('8.8.8.8 via 10.0.0.1 dev eth0 src 10.0.0.5 uid 0\n', ifaces);
    expect(facts['default_ipv4']).toEqual({ address: '10.0.0.5', interface: 'eth0', gateway: '10.0.0.1', broadcast: '10.0.0.255', netmask: '255.255.255.0', network: '10.0.0.0', prefix: '24', macaddress: '52:54:00:12:34:56', mtu: 1500, type: 'ether', alias: 'eth0' });
    expect(facts['all_ipv4_addresses']).toEqual(['10.0.0.5', '10.0.0.6']);
    expect(facts['interfaces']).toEqual(['eth0', 'eth0_1']);
    expect((facts['eth0'] as Record<string, unknown>)['ipv4_secondaries']).toEqual([{ address: '10.0.0.6', broadcast: '10.0.0.255', netmask: '255.255.255.0', network: '10.0.0.0', prefix: '24' }]);
  });
});
