// Labs of different names must not share a bridge or a subnet, and the default lab keeps the
// addresses every earlier run used. Pure derivations, so no root and no lab needed.
import { describe, expect, it } from 'vitest';
import { hostAddress, labNetwork, MAX_HOSTS_PER_LAB, networkClash, unusedAddress } from '../../../test/lab/lab-network.ts';

describe('labNetwork', () => {
  it('keeps pgbr0 and 10.231.0.0/24 for the default lab', () => {
    expect(labNetwork('default')).toEqual({
      index: 0,
      bridge: 'pgbr0',
      subnetPrefix: '10.231.0',
      subnet: '10.231.0.0/24',
      controllerAddress: '10.231.0.1',
    });
  });

  it('gives bench its own bridge and subnet, the same on every call', () => {
    const bench = labNetwork('bench');
    expect(bench.index).toBeGreaterThan(0);
    expect(bench.bridge).not.toBe('pgbr0');
    expect(bench.subnet).not.toBe('10.231.0.0/24');
    expect(labNetwork('bench')).toEqual(bench);
    expect(bench.subnet).toBe(`10.231.${bench.index}.0/24`);
    expect(bench.bridge).toBe(`pgbr${bench.index}`);
  });

  it('keeps every index a valid octet and every bridge name within 15 bytes', () => {
    for (let i = 0; i < 2000; i++) {
      const network = labNetwork(`lab${i}`);
      expect(network.index).toBeGreaterThanOrEqual(1);
      expect(network.index).toBeLessThanOrEqual(250);
      expect(Buffer.byteLength(network.bridge)).toBeLessThanOrEqual(15);
    }
  });

  it('spreads names over many subnets', () => {
    const indexes = new Set(Array.from({ length: 100 }, (_, i) => labNetwork(`lab${i}`).index));
    expect(indexes.size).toBeGreaterThan(70);
  });
});

describe('hostAddress', () => {
  it('numbers hosts from .11 up to the largest lab, all distinct, none the controller or the unused address', () => {
    const network = labNetwork('bench');
    const addresses = Array.from({ length: MAX_HOSTS_PER_LAB }, (_, i) => hostAddress(network, i + 1));
    expect(addresses[0]).toBe(`${network.subnetPrefix}.11`);
    expect(addresses.at(-1)).toBe(`${network.subnetPrefix}.${10 + MAX_HOSTS_PER_LAB}`);
    expect(new Set(addresses).size).toBe(MAX_HOSTS_PER_LAB);
    expect(addresses).not.toContain(network.controllerAddress);
    expect(addresses).not.toContain(unusedAddress(network));
  });

  it('refuses indexes outside the lab', () => {
    const network = labNetwork('default');
    expect(() => hostAddress(network, 0)).toThrow(/outside/);
    expect(() => hostAddress(network, MAX_HOSTS_PER_LAB + 1)).toThrow(/outside/);
  });
});

describe('networkClash', () => {
  it('names the running lab whose name hashes to the same subnet', () => {
    const target = labNetwork('bench').index;
    let twin = '';
    for (let i = 0; !twin; i++) if (labNetwork(`x${i}`).index === target) twin = `x${i}`;
    expect(networkClash('bench', ['default', twin])).toBe(twin);
    expect(networkClash('bench', ['default', 'bench'])).toBeUndefined();
    expect(networkClash('default', ['bench'])).toBeUndefined();
  });
});
