// Slot arithmetic over ranges: which slots of a planned range nobody serves yet, as compact ranges.
import { CLUSTER_SLOTS, type SlotRange } from '../topology.ts';

/** One flag per slot: true where some range covers it. */
export function slotMask(ranges: Iterable<SlotRange>): Uint8Array {
  const mask = new Uint8Array(CLUSTER_SLOTS);
  for (const { first, last } of ranges) mask.fill(1, first, last + 1);
  return mask;
}

/** Consecutive runs of the slots in [range] for which `keep(slot)` is true. */
export function rangesWhere(range: SlotRange, keep: (slot: number) => boolean): SlotRange[] {
  const out: SlotRange[] = [];
  let start = -1;
  for (let slot = range.first; slot <= range.last + 1; slot++) {
    const inside = slot <= range.last && keep(slot);
    if (inside && start < 0) start = slot;
    if (!inside && start >= 0) {
      out.push({ first: start, last: slot - 1 });
      start = -1;
    }
  }
  return out;
}

export function countSlots(ranges: readonly SlotRange[]): number {
  return ranges.reduce((sum, r) => sum + (r.last - r.first + 1), 0);
}

export function formatRanges(ranges: readonly SlotRange[]): string {
  return ranges.map((r) => (r.first === r.last ? `${r.first}` : `${r.first}-${r.last}`)).join(',');
}

/**
 * Arguments for one node: ADDSLOTSRANGE pairs on Redis 7+, else ADDSLOTS in batches small enough
 * to keep each command line modest (one slot per argument).
 */
export function addSlotsCommands(ranges: readonly SlotRange[], hasAddSlotsRange: boolean, batch = 1000): string[][] {
  if (ranges.length === 0) return [];
  if (hasAddSlotsRange) {
    return [['CLUSTER', 'ADDSLOTSRANGE', ...ranges.flatMap((r) => [String(r.first), String(r.last)])]];
  }
  const slots = ranges.flatMap((r) => Array.from({ length: r.last - r.first + 1 }, (_, i) => String(r.first + i)));
  const commands: string[][] = [];
  for (let i = 0; i < slots.length; i += batch) commands.push(['CLUSTER', 'ADDSLOTS', ...slots.slice(i, i + batch)]);
  return commands;
}
