import { keyValues, lines, type Facts } from './facts.ts';

// The network subset as Ansible's LinuxNetwork reads it (module_utils/facts/network/linux.py):
// the default IPv4 route's interface, address and gateway (`ip -4 route get 8.8.8.8`), then each
// interface of /sys/class/net (in directory order, as Python's glob lists it) with its
// addresses from `ip addr show primary|secondary`. ethtool's features are not read.

const INTERFACE_TYPE: Record<string, string> = { '1': 'ether', '32': 'infiniband', '512': 'ppp', '772': 'loopback', '65534': 'tunnel' };

type Iface = Record<string, unknown>;

function defaultRoute(output: string): Record<string, string> {
  const words = (output.split('\n').find((line) => line.trim() !== '') ?? '').trim().split(/\s+/);
  const route: Record<string, string> = {};
  if (words[0] !== '8.8.8.8') return route;
  for (let i = 0; i < words.length - 1; i++) {
    if (words[i] === 'dev') route['interface'] = words[i + 1]!;
    else if (words[i] === 'src') route['address'] = words[i + 1]!;
    else if (words[i] === 'via' && words[i + 1] !== '8.8.8.8') route['gateway'] = words[i + 1]!;
  }
  return route;
}

function ipv4Of(address: string, length: string, broadcast: string) {
  const bits = Number(length);
  const value = address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const dotted = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
  return { address, broadcast, netmask: dotted(mask), network: dotted((value & mask) >>> 0), prefix: length };
}

export function networkFacts(route4: string, ifacesSection: string): Facts {
  const defaultIpv4: Record<string, unknown> = defaultRoute(route4);
  const interfaces = new Map<string, Iface>();
  const allIpv4: string[] = [];
  const allIpv6: string[] = [];
  for (const block of ifacesSection.split(/^@@iface /m).slice(1)) {
    const device = block.slice(0, block.indexOf('\n'));
    const [head = '', primary = '', secondary = ''] = block.slice(device.length + 1).split(/^@@(?:primary|secondary)\n/m);
    const sys = keyValues(head);
    const iface: Iface = { device };
    interfaces.set(device, iface);
    const macaddress = (sys.get('address') ?? '').trim();
    if (macaddress && macaddress !== '00:00:00:00:00:00') iface['macaddress'] = macaddress;
    if (sys.has('mtu')) iface['mtu'] = Number.parseInt(sys.get('mtu')!, 10);
    if (sys.has('operstate')) iface['active'] = sys.get('operstate')!.trim() !== 'down';
    if (sys.has('module')) iface['module'] = sys.get('module');
    if (sys.has('type')) iface['type'] = INTERFACE_TYPE[sys.get('type')!.trim()] ?? 'unknown';
    if (sys.has('bridge')) {
      // The bridge's ports in directory order, as Python's glob lists them.
      Object.assign(iface, { type: 'bridge', interfaces: sys.get('bridge')!.split(/\s+/).filter(Boolean) });
      if (sys.has('bridge_id')) iface['id'] = sys.get('bridge_id')!.trim();
      if (sys.has('stp_state')) iface['stp'] = sys.get('stp_state')!.trim() === '1';
    }
    if (sys.has('pciid')) iface['pciid'] = sys.get('pciid');
    if (sys.has('speed') && sys.get('speed')!.trim() !== '') iface['speed'] = Number.parseInt(sys.get('speed')!, 10);
    if (sys.has('flags') && sys.get('flags')!.trim() !== '') iface['promisc'] = (Number.parseInt(sys.get('flags')!, 16) & 0x0100) > 0;

    const parse = (output: string, isSecondary: boolean) => {
      for (const line of lines(output)) {
        const words = line.trim().split(/\s+/);
        if (words[0] === 'inet') {
          const [address, length] = words[1]!.includes('/') ? (words[1]!.split('/') as [string, string]) : [words[1]!, '32'];
          const broadcast = words[1]!.includes('/') && words.length > 3 && words[2] === 'brd' ? words[3]! : '';
          const entry = ipv4Of(address, length, broadcast);
          const label = words[words.length - 1]!;
          if (label !== device) interfaces.set(label, {});
          const target = interfaces.get(label)!;
          if (!isSecondary && !('ipv4' in target)) target['ipv4'] = entry;
          else ((target['ipv4_secondaries'] ??= []) as unknown[]).push(entry);
          if (isSecondary) {
            iface['ipv4_secondaries'] ??= [];
            if (device !== label) (iface['ipv4_secondaries'] as unknown[]).push(entry);
          }
          if (defaultIpv4['address'] === address) {
            Object.assign(defaultIpv4, { broadcast, netmask: entry.netmask, network: entry.network, prefix: length, macaddress, mtu: iface['mtu'], type: iface['type'] ?? 'unknown', alias: label });
          }
          if (!address.startsWith('127.')) allIpv4.push(address);
        } else if (words[0] === 'inet6') {
          const peer = words[2] === 'peer';
          const address = peer ? words[1]! : words[1]!.split('/')[0]!;
          const prefix = peer ? words[3]!.split('/')[1]! : words[1]!.split('/')[1]!;
          const scope = peer ? words[5]! : words[3]!;
          ((iface['ipv6'] ??= []) as unknown[]).push({ address, prefix, scope });
          if (address !== '::1') allIpv6.push(address);
        }
      }
    };
    parse(primary, false);
    parse(secondary, true);
  }
  const facts: Facts = {};
  const names: string[] = [];
  for (const [name, iface] of interfaces) {
    const key = name.replace(/:/g, '_');
    names.push(key);
    facts[key] = iface;
  }
  return { ...facts, interfaces: names, default_ipv4: defaultIpv4, all_ipv4_addresses: allIpv4, all_ipv6_addresses: allIpv6 };
}
