import { InputError } from '../errors.ts';
import { inventoryToAnsibleList } from '../inventory/list.ts';
import { loadInventory } from '../inventory/load.ts';
import { reportInputError, type CliIo } from './io.ts';

/** `playgraph inventory --list | --host H`: the resolved inventory, shaped like ansible-inventory's. */
export async function inventoryCommand(options: { inventory: string[]; list?: boolean; host?: string }, io: CliIo): Promise<number> {
  try {
    const inventory = await loadInventory(options.inventory);
    if (options.host !== undefined) {
      const host = inventory.hosts.get(options.host);
      if (!host) throw new InputError(`host "${options.host}" is not in the inventory ${options.inventory.join(', ')}`);
      io.stdout.write(`${JSON.stringify(host.vars, null, 4)}\n`);
      return 0;
    }
    io.stdout.write(`${JSON.stringify(inventoryToAnsibleList(inventory), null, 4)}\n`);
    return 0;
  } catch (error) {
    return reportInputError(error, io);
  }
}
