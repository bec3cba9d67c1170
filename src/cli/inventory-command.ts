import { InputError } from '../errors.ts';
import { inventoryToAnsibleList } from '../inventory/list.ts';
import { loadInventory } from '../inventory/load.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { SecretMasker, secretsFromVars } from '../run/secrets.ts';
import { reportInputError, type CliIo } from './io.ts';
import { openVault, vaultMasker, type VaultCliOptions } from './vault-options.ts';

/**
 * `playgraph inventory --list | --host H`: the resolved inventory, shaped like ansible-inventory's,
 * secrets masked unless `--show-secrets` (ansible-inventory shows them: it has no masking at all).
 */
export async function inventoryCommand(options: { inventory: string[]; list?: boolean; host?: string; showSecrets?: boolean } & VaultCliOptions, io: CliIo): Promise<number> {
  let vault: VaultKeyring | undefined;
  try {
    vault = await openVault(options, io);
    const inventory = await loadInventory(options.inventory, { vault });
    // Values from Vault and of secret-named variables are secrets here too, unless asked for.
    const masker = options.showSecrets ? undefined : (vaultMasker(vault) ?? new SecretMasker());
    if (masker) for (const host of inventory.hosts.values()) for (const secret of secretsFromVars(host.vars)) masker.add(secret);
    const show = (value: unknown) => io.stdout.write(`${JSON.stringify(masker ? masker.maskValue(value) : value, null, 4)}\n`);
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
