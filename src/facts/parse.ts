import { distributionFacts, type DistFile } from './distribution.ts';
import type { Facts } from './facts.ts';
import { cpuFacts, memoryFacts, mountFacts } from './hardware.ts';
import { networkFacts } from './network.ts';
import { platformFacts } from './platform.ts';
import { splitSections } from './script.ts';
import type { Collector } from './subsets.ts';
import { dateTimeFacts, envFacts, pkgMgrFacts, serviceMgrFacts, userFacts } from './system.ts';

// The facts script's output -> Ansible's facts (unprefixed names), for the collectors asked for.
// Pure: the unit tests feed it outputs recorded on real hosts.

export class FactsOutputError extends Error {}

/** The files the distfiles section printed, each after its `@@file PATH SIZE` line. */
function distFiles(section: string): Map<string, DistFile> {
  const files = new Map<string, DistFile>();
  for (const part of section.split(/^@@file /m).slice(1)) {
    const newline = part.indexOf('\n');
    const header = newline < 0 ? part : part.slice(0, newline);
    const space = header.lastIndexOf(' ');
    files.set(header.slice(0, space), { size: Number(header.slice(space + 1)), content: newline < 0 ? '' : part.slice(newline + 1) });
  }
  return files;
}

export function parseFacts(output: string, collectors: ReadonlySet<Collector>): Facts {
  const sections = splitSections(output);
  if (!sections.has('end')) throw new FactsOutputError('the facts script did not run to its end');
  const section = (name: string) => sections.get(name) ?? '';
  const platform = platformFacts({ uname: section('uname'), fqdn: section('fqdn'), userspaceBits: section('userspace'), machineId: section('machine_id') });
  const distribution = distributionFacts({ files: distFiles(section('distfiles')), lsb: section('lsb') });
  // Other collectors' rules read the platform and distribution even when they were not asked for.
  const collected: Facts = { ...platform, ...distribution };
  const facts: Facts = {};
  if (collectors.has('platform')) Object.assign(facts, platform);
  if (collectors.has('distribution')) Object.assign(facts, distribution);
  if (collectors.has('env')) Object.assign(facts, envFacts(section('env')));
  if (collectors.has('user')) Object.assign(facts, userFacts(section('user')));
  if (collectors.has('date_time')) Object.assign(facts, dateTimeFacts(section('date_time')));
  if (collectors.has('pkg_mgr')) Object.assign(facts, pkgMgrFacts(section('pkg_mgr'), collected));
  if (collectors.has('service_mgr')) Object.assign(facts, serviceMgrFacts(section('service_mgr'), collected));
  if (collectors.has('hardware')) {
    Object.assign(facts, cpuFacts({ cpuinfo: section('cpuinfo'), xen: section('xen'), nproc: section('nproc') }, String(collected['architecture'])));
    Object.assign(facts, memoryFacts(section('meminfo')));
    Object.assign(facts, mountFacts({ mtab: section('mtab'), findmnt: section('findmnt'), lsblk: section('lsblk'), statfs: section('statfs') }));
  }
  if (collectors.has('network') && sections.has('ifaces')) Object.assign(facts, networkFacts(section('route4'), section('ifaces')));
  return facts;
}
