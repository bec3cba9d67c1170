/**
 * A host entry of an inventory file, `name[:port]` with optional ranges like `web[01:03]` or
 * `db-[a:c]`, expanded as Ansible does (BaseInventoryPlugin._expand_hostpattern with
 * parse_address in parsing/utils/addresses.py and expand_hostname_range in
 * plugins/inventory/__init__.py). Errors are plain Errors; callers add the file position.
 */
export interface ExpandedHosts {
  hosts: string[];
  port?: number;
}

const RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const LABEL = String.raw`(?:[\w]|${RANGE})(?:[\w-]|${RANGE})*(?<![_-])`;
const HOSTNAME = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, 'iu');
// Unbracketed IPv6 (and IPv4-mapped) addresses: eight hex groups or a `::` compression, maybe
// a dotted IPv4 tail or ranges. Looser than Ansible's list of forms but with the same effect here.
const IPV6 = /^(?=.*::|(?:[^:]*:){7}[^:]*$)(?:[0-9a-f]{0,4}|\[[0-9a-f]+:[0-9a-f]+(?::[0-9]+)?\])(?::(?:[0-9a-f]{0,4}|\[[0-9a-f]+:[0-9a-f]+(?::[0-9]+)?\]))*(?::\d+\.\d+\.\d+\.\d+)?$/i;
const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;

/** parse_address: `host[:port]` or `[v6]:port`, or undefined when the host is not a valid name or address. */
export function parseAddress(entry: string): { host: string; port?: number } | undefined {
  let address = entry;
  let port: number | undefined;
  for (const pattern of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const match = pattern.exec(address);
    if (match) {
      address = match[1];
      port = Number.parseInt(match[2], 10);
    }
  }
  if (!HOSTNAME.test(address) && !IPV6.test(address)) return undefined;
  return port === undefined ? { host: address } : { host: address, port };
}

/** Splits a host entry as _expand_hostpattern does: an unrecognisable name is kept whole, without a port. */
export function splitHostPort(entry: string): { host: string; port?: number } {
  return parseAddress(entry) ?? { host: entry };
}

export function expandHostPattern(entry: string): ExpandedHosts {
  const { host, port } = splitHostPort(entry);
  const hosts = host.includes('[') ? expandRanges(host) : [host];
  return port === undefined ? { hosts } : { hosts, port };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** expand_hostname_range: the first [begin:end(:step)] is expanded, then the rest recursively. */
function expandRanges(name: string): string[] {
  const open = name.indexOf('[');
  const close = name.indexOf(']', open);
  if (close < 0) throw new Error(`host range in '${name}' has no closing ']'`);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new Error('host range must be begin:end or begin:end:step');
  const begin = bounds[0] || '0';
  const end = bounds[1];
  const step = bounds.length === 3 ? Number.parseInt(bounds[2], 10) : 1;
  if (!end) throw new Error('host range must specify end value');
  if (!(step > 0)) throw new Error(`host range step must be a positive integer, got '${bounds[2]}'`);
  let fill = (value: string) => value;
  if (begin[0] === '0' && begin.length > 1) {
    if (begin.length !== end.length) throw new Error('host range must specify equal-length begin and end formats');
    fill = (value) => value.padStart(begin.length, '0');
  }
  const sequence: string[] = [];
  const alphaBegin = LETTERS.indexOf(begin);
  const alphaEnd = LETTERS.indexOf(end);
  if (begin.length === 1 && end.length === 1 && alphaBegin >= 0 && alphaEnd >= 0) {
    if (alphaBegin > alphaEnd) throw new Error('host range must have begin <= end');
    for (let i = alphaBegin; i <= alphaEnd; i += step) sequence.push(LETTERS[i]);
  } else {
    const from = Number(begin);
    const to = Number(end);
    if (!Number.isInteger(from) || !Number.isInteger(to)) throw new Error(`host range [${bounds.join(':')}] is neither numeric nor alphabetic`);
    for (let i = from; i <= to; i += step) sequence.push(String(i));
  }
  const result: string[] = [];
  for (const item of sequence) {
    const expanded = head + fill(item) + tail;
    if (expanded.includes('[')) result.push(...expandRanges(expanded));
    else result.push(expanded);
  }
  return result;
}
