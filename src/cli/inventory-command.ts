import { InputError } from '../errors.ts';
import { inventoryToAnsibleList } from '../inventory/list.ts';
import { loadInventory } from '../inventory/load.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { reportInputError, type CliIo } from './io.ts';
import { openVault, vaultMasker, type VaultCliOptions } from './vault-options.ts';

/** `playgraph inventory --list | --host H`: the resolved inventory, shaped like ansible-inventory's. */
export async function inventoryCommand(options: { inventory: string[]; list?: boolean; host?: string } & VaultCliOptions, io: CliIo): Promise<number> {
  let vault: VaultKeyring | undefined;
  try {
    vault = await openVault(options, io);
    const inventory = await loadInventory(options.inventory, { vault });
    // Values from Vault are secrets here too.
    const masker = vaultMasker(vault);
    const show = (value: unknown) => {
      const text = JSON.stringify(value, null, 4);
      io.stdout.write(`${masker?.mask(text) ?? text}\n`);
    };
    if (options.host !== undefined) {
      const host = inventory.hosts.get(options.host);
      if (!host) throw new InputError(`host "${options.host}" is not in the inventory ${options.inventory.join(', ')}`);
      show(host.vars);
      return 0;
    }
    show(inventoryToAnsibleList(inventory));
    return 0;
  } catch (error) {
    return reportInputError(error, io, { masker: vaultMasker(vault) });
  }
}
