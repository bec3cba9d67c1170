import { lines, type Facts } from './facts.ts';

// The hardware subset's processor, memory and mount facts, by the rules (and quirks) of
// Ansible's LinuxHardware (module_utils/facts/hardware/linux.py): /proc/cpuinfo's sockets and
// cores, /proc/meminfo in MiB rounded down, and every mounted block device or network share
// with its statvfs sizes and UUID.

export interface HardwareInput {
  cpuinfo: string;
  /** "proc" when /proc/xen exists, then /sys/hypervisor/type's first line. */
  xen: string;
  nproc: string;
  meminfo: string;
  mtab: string;
  findmnt: string;
  lsblk: string;
  /** One line a mount: MOUNT|f_frsize|f_bsize|f_blocks|f_bavail|f_files|f_ffree|udev UUID. */
  statfs: string;
}

export function cpuFacts(input: Pick<HardwareInput, 'cpuinfo' | 'xen' | 'nproc'>, architecture: string): Facts {
  const xenLines = lines(input.xen).map((line) => line.trim());
  const xen = xenLines[0] === 'proc' || xenLines[0] === 'xen';
  let xenParavirt = false;
  const processor: string[] = [];
  let i = 0;
  let vendorIds = 0;
  let modelNames = 0;
  let processors = 0;
  let physid = '0';
  let coreid = '0';
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  const facts: Facts = {};
  for (const line of input.cpuinfo.split('\n')) {
    const colon = line.indexOf(':');
    const key = (colon < 0 ? line : line.slice(0, colon)).trim();
    const val = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (xen && key === 'flags' && !val.includes('vme')) xenParavirt = true;
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(val);
      if (key === 'vendor_id') vendorIds++;
      if (key === 'model name') modelNames++;
      if (key === 'processor') processors++;
      i++;
    } else if (key === 'physical id') {
      physid = val;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = val;
      // Ansible tests `coreid not in sockets` here (sic), so a core id equal to a socket id is not reset.
      if (!sockets.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') sockets.set(physid, Number.parseInt(val, 10));
    else if (key === 'siblings') cores.set(coreid, Number.parseInt(val, 10));
    else if (key === '# processors') facts['processor_cores'] = Number.parseInt(val, 10);
    else if (key === 'ncpus active') i = Number.parseInt(val, 10);
  }
  facts['processor'] = processor;
  if (vendorIds > 0 && vendorIds === modelNames) i = vendorIds;
  if (/^(armv|aarch|ppc)/.test(architecture)) i = processors;
  if (architecture === 's390x') return facts;
  if (xenParavirt) return { ...facts, processor_count: i, processor_cores: i, processor_threads_per_core: 1, processor_vcpus: i };
  const count = sockets.size > 0 ? sockets.size : i;
  const firstSocket = [...sockets.values()][0];
  const coresPerSocket = firstSocket ? firstSocket : 1;
  const firstCore = [...cores.values()][0];
  const threads = firstCore !== undefined ? Math.floor(firstCore / coresPerSocket) : Math.floor(1 / coresPerSocket);
  const nproc = Number.parseInt(lines(input.nproc)[0] ?? '', 10);
  return {
    ...facts,
    processor_count: count,
    processor_cores: coresPerSocket,
    processor_threads_per_core: threads,
    processor_vcpus: threads * count * coresPerSocket,
    processor_nproc: Number.isNaN(nproc) ? processors : nproc,
  };
}

export function memoryFacts(meminfo: string): Facts {
  const facts: Facts = {};
  const stats = new Map<string, number>();
  for (const line of meminfo.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const mb = Math.floor(Number.parseInt(line.slice(colon + 1).trim().split(' ')[0] ?? '', 10) / 1024);
    if (['MemTotal', 'SwapTotal', 'MemFree', 'SwapFree'].includes(key)) facts[`${key.toLowerCase()}_mb`] = mb;
    if (['MemTotal', 'SwapTotal', 'MemFree', 'SwapFree', 'Buffers', 'Cached', 'SwapCached'].includes(key)) stats.set(key.toLowerCase(), mb);
  }
  const get = (key: string) => stats.get(key) ?? null;
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  const nocacheFree = [get('cached'), get('memfree'), get('buffers')].some((v) => v === null) ? null : get('cached')! + get('memfree')! + get('buffers')!;
  facts['memory_mb'] = {
    real: { total: get('memtotal'), used: diff(get('memtotal'), get('memfree')), free: get('memfree') },
    nocache: { free: nocacheFree, used: diff(get('memtotal'), nocacheFree) },
    swap: { total: get('swaptotal'), free: get('swapfree'), used: diff(get('swaptotal'), get('swapfree')), cached: get('swapcached') },
  };
  return facts;
}

const octal = (value: string) => value.replace(/\\[0-9]{3}/g, (escape) => String.fromCharCode(Number.parseInt(escape.slice(1), 8)));

export function mountFacts(input: Pick<HardwareInput, 'mtab' | 'findmnt' | 'lsblk' | 'statfs'>): Facts {
  // Bind mounts: findmnt's SOURCE column names a directory in brackets, e.g. /dev/vda[/var/tmp/x].
  const bindMounts = new Set(lines(input.findmnt).map((line) => line.split(/\s+/)).filter((f) => f.length >= 2 && /.*\]/.test(f[1]!)).map((f) => f[0]!));
  const uuids = new Map<string, string>();
  for (const line of lines(input.lsblk)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 2) continue;
    const uuid = fields.pop()!;
    const device = fields.join(' ');
    if (!uuids.has(device)) uuids.set(device, uuid);
  }
  const sizes = new Map<string, string[]>();
  for (const line of lines(input.statfs)) {
    const fields = line.split('|');
    if (fields.length < 8) continue;
    const tail = fields.splice(fields.length - 7, 7);
    sizes.set(fields.join('|'), tail);
  }
  const mounts = new Map<string, Record<string, unknown>>();
  for (const line of lines(input.mtab)) {
    const fields = line.split(/\s+/).filter(Boolean).map(octal);
    if (fields.length < 4) continue;
    const [device, mount, fstype, options] = fields as [string, string, string, string];
    if ((!device.startsWith('/') && !device.startsWith('\\') && !device.includes(':/')) || fstype === 'none') continue;
    const info: Record<string, unknown> = { mount, device, fstype, options: bindMounts.has(mount) && !/.*bind.*"/.test(options) ? `${options},bind` : options };
    const stat = sizes.get(mount);
    if (stat && stat[0] !== '') {
      const [frsize, bsize, blocks, bavail, files, ffree] = stat.slice(0, 6).map(Number) as [number, number, number, number, number, number];
      Object.assign(info, {
        size_total: frsize * blocks, size_available: frsize * bavail,
        block_size: bsize, block_total: blocks, block_available: bavail, block_used: blocks - bavail,
        inode_total: files, inode_available: ffree, inode_used: files - ffree,
      });
    }
    info['uuid'] = uuids.get(device) || stat?.[6] || 'N/A';
    // A mount point listed twice keeps its first place and its last entry, as Ansible's dict does.
    mounts.set(mount, info);
  }
  return { mounts: [...mounts.values()] };
}
