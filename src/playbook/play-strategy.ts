import { InputError } from '../errors.ts';
import type { Play } from './types.ts';
import { booleanValue, type MapEntry } from './yaml-map.ts';

// The play keywords that say how hosts move through the play: serial batches, the linear
// strategy, max_fail_percentage and any_errors_fatal (Ansible's meaning; free is the default).

export const STRATEGY_KEYS = ['serial', 'strategy', 'max_fail_percentage', 'any_errors_fatal'];

function batchSize(value: unknown, entry: MapEntry): number | string {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*%\s*$/.test(value)) return value.replace(/\s+/g, '');
  throw new InputError("serial takes a number of hosts, a percentage ('30%') or a list of them", entry.position);
}

export function parsePlayStrategy(byKey: Map<string, MapEntry>): Partial<Play> {
  const fields: Partial<Play> = {};
  const serial = byKey.get('serial');
  if (serial) fields.serial = (Array.isArray(serial.value) ? serial.value : [serial.value]).map((v) => batchSize(v, serial));
  const strategy = byKey.get('strategy');
  if (strategy) {
    if (strategy.value !== 'free' && strategy.value !== 'linear') {
      throw new InputError(`strategy '${String(strategy.value)}' is not supported (free, the default, and linear are)`, strategy.position);
    }
    fields.strategy = strategy.value;
  }
  const maxFail = byKey.get('max_fail_percentage');
  if (maxFail) {
    const value = typeof maxFail.value === 'string' ? Number(maxFail.value.replace(/%$/, '')) : maxFail.value;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
      throw new InputError('max_fail_percentage must be a number from 0 to 100', maxFail.position);
    }
    fields.maxFailPercentage = value;
  }
  const fatal = byKey.get('any_errors_fatal');
  if (fatal) fields.anyErrorsFatal = booleanValue(fatal);
  return fields;
}

/** Ansible's _get_serialized_batches: each size in turn (the last one repeated), percentages of all hosts. */
export function serialBatches(hosts: readonly string[], serial: readonly (number | string)[] | undefined): string[][] {
  if (!serial || serial.length === 0) return [[...hosts]];
  const left = [...hosts];
  const batches: string[][] = [];
  for (let index = 0; left.length > 0; index = Math.min(index + 1, serial.length - 1)) {
    const value = serial[index];
    // pct_to_int: int(pct / 100 * hosts), and at least 1.
    const size = typeof value === 'string' ? Math.trunc((parseFloat(value) / 100) * hosts.length) || 1 : value;
    if (size <= 0) {
      batches.push(left.splice(0));
      break;
    }
    batches.push(left.splice(0, size));
  }
  return batches;
}
