import { prepareRun, type PreparedRun } from '../run/prepare.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import type { VaultCliOptions } from './vault-options.ts';

/** What `run` and `graph` share: which playbook, inventory and vars, and which part of it. */
export interface SelectionOptions extends VaultCliOptions {
  inventory: string[];
  extraVars: string[];
  tags?: string[];
  skipTags?: string[];
  withNeeds?: boolean;
  limit?: string;
  modules: string[];
  rolesPath?: string[];
}

/** Reads and checks everything the selection names; bad input raises before any host is contacted. */
export function prepareSelection(playbookFile: string, options: SelectionOptions, vault?: VaultKeyring): Promise<PreparedRun> {
  return prepareRun({
    playbookFile,
    inventorySources: options.inventory,
    extraVarArgs: options.extraVars,
    tags: options.tags,
    skipTags: options.skipTags,
    withNeeds: options.withNeeds,
    limit: options.limit,
    modulesDirs: options.modules,
    rolesPath: options.rolesPath,
    vault,
    cwd: process.cwd(),
  });
}
