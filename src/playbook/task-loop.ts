import { InputError } from '../errors.ts';
import type { YamlSource } from '../yaml/source.ts';
import { LOOP_LOOKUPS, type LoopLookup } from './loop-lookups.ts';
import type { LoopControl } from './types.ts';
import { mapEntries, stringValue, type MapEntry } from './yaml-map.ts';

// A task's loop keywords: `loop` or one `with_<lookup>`, and `loop_control`, as Ansible's Task
// and LoopControl read them (playbook/task.py, playbook/loop_control.py).

/** The `with_<lookup>` keywords playgraph runs (src/playbook/loop-lookups.ts). */
export const LOOP_WITH_KEYWORDS = LOOP_LOOKUPS.map((lookup) => `with_${lookup}`);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TEMPLATE = /\{\{|\{%/;

export interface TaskLoop {
  /** The entry holding the loop (`loop:` or `with_<lookup>:`), if any. */
  entry?: MapEntry;
  lookup?: LoopLookup;
  loopVar: string;
  control?: LoopControl;
}

/** A variable name (loop_var, index_var), which must be one as written: it is not templated here. */
export function variableName(entry: MapEntry, what: string): string {
  const value = stringValue(entry);
  if (!IDENTIFIER.test(value)) throw new InputError(`${what} '${value}' is not a valid variable name`, entry.position);
  return value;
}

/** A boolean, a yes/no word, or a template that renders to one when the task runs. */
export function flagValue(entry: MapEntry): boolean | string {
  const { value } = entry;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|yes|on)$/i.test(value.trim())) return true;
  if (typeof value === 'string' && /^(false|no|off)$/i.test(value.trim())) return false;
  if (typeof value === 'string' && TEMPLATE.test(value)) return value;
  throw new InputError(`'${entry.key}' must be true or false (or a template of one)`, entry.position);
}

function pauseValue(entry: MapEntry): number | string {
  const { value } = entry;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\s*\d+(\.\d*)?\s*$/.test(value)) return Number(value);
  if (typeof value === 'string' && TEMPLATE.test(value)) return value;
  throw new InputError("loop_control: 'pause' must be a number of seconds (or a template of one)", entry.position);
}

function loopControl(source: YamlSource, entry: MapEntry): { loopVar: string; control: LoopControl } {
  if (entry.value === null || typeof entry.value !== 'object' || Array.isArray(entry.value)) {
    throw new InputError('the `loop_control` value must be a mapping and cannot be a variable itself (though it can contain variables)', entry.position);
  }
  let loopVar = 'item';
  const control: LoopControl = {};
  for (const key of mapEntries(source, entry.valueNode, 'loop_control')) {
    switch (key.key) {
      case 'loop_var': loopVar = variableName(key, 'loop_var'); break;
      case 'index_var': control.indexVar = variableName(key, 'index_var'); break;
      case 'label': control.label = stringValue(key); break;
      case 'pause': control.pause = pauseValue(key); break;
      case 'extended': control.extended = flagValue(key); break;
      case 'extended_allitems': control.extendedAllItems = flagValue(key); break;
      default:
        throw new InputError(`loop_control: '${key.key}' is not a loop_control keyword (loop_var, index_var, label, pause, extended, extended_allitems are)`, key.keyPosition);
    }
  }
  return { loopVar, control };
}

/**
 * The task's loop: at most one of `loop` and the `with_<lookup>` keywords (Ansible: "duplicate
 * loop in task"); a `with_` Ansible has but playgraph lacks is refused by name.
 */
export function parseTaskLoop(source: YamlSource, entries: MapEntry[]): TaskLoop {
  const loops = entries.filter((entry) => entry.key === 'loop' || entry.key.startsWith('with_'));
  for (const entry of loops) {
    if (entry.key !== 'loop' && !LOOP_WITH_KEYWORDS.includes(entry.key)) {
      throw new InputError(`'${entry.key}' is not supported: use loop (with a filter) or one of ${LOOP_WITH_KEYWORDS.join(', ')}`, entry.keyPosition);
    }
  }
  if (loops.length > 1) {
    throw new InputError(`duplicate loop in task: give one of ${loops.map((e) => `'${e.key}'`).join(', ')}, not both`, loops[1].keyPosition);
  }
  const controlEntry = entries.find((entry) => entry.key === 'loop_control');
  const { loopVar, control } = controlEntry ? loopControl(source, controlEntry) : { loopVar: 'item', control: undefined };
  const entry = loops[0];
  const lookup = entry && entry.key !== 'loop' ? (entry.key.slice('with_'.length) as LoopLookup) : undefined;
  return { entry, lookup, loopVar, ...(control && Object.keys(control).length > 0 ? { control } : {}) };
}
