import { readFile, readdir } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { isVaultText } from '../vault/envelope.ts';
import { VaultError, type VaultKeyring } from '../vault/keyring.ts';
import { parseYaml, type YamlSource } from '../yaml/source.ts';
import { InventoryBuilder } from './builder.ts';
import { splitHostPort } from './host-pattern.ts';
import { parseIniInventory } from './ini.ts';
import { resolveInventory, type VarsFileLayer } from './resolve.ts';
import { implicitLocalhostNames } from './unlisted-hosts.ts';
import type { Inventory } from './types.ts';
import { kindOf, loadVarsFiles } from './vars-files.ts';
import { parseYamlInventory } from './yaml.ts';

/**
 * Loads and merges inventory sources as `ansible -i A -i B` does (InventoryManager.parse_sources
 * in ansible/inventory/manager.py, ansible-core 2.14). A source is:
 * - `host1,host2,` (contains a comma and is not a path): hosts in `ungrouped` (host_list plugin);
 * - a directory: every entry in sorted order, recursively, except dotfiles, group_vars/,
 *   host_vars/, vars_plugins/ and Ansible's INVENTORY_IGNORE_EXTS (.orig .ini .cfg .retry ~ ...);
 * - a file: YAML when its extension is .yaml/.yml/.json or none and it parses to a mapping of
 *   groups (yaml plugin), else INI (ini plugin), as Ansible tries its plugins in that order.
 * group_vars/ and host_vars/ are read beside each source: in it for a directory, in its
 * directory for a file.
 */
export async function loadInventory(sources: string[], options: { vault?: VaultKeyring } = {}): Promise<Inventory> {
  if (sources.length === 0) throw new InputError('no inventory source given (use -i)');
  const builder = new InventoryBuilder();
  const baseDirs: string[] = [];
  for (const source of sources) {
    const kind = await kindOf(source);
    if (kind === undefined && source.includes(',')) {
      builder.currentFile = null;
      parseHostList(builder, source);
      continue;
    }
    if (kind === undefined) throw new InputError('inventory source not found or unreadable', { file: source });
    if (kind === 'dir') {
      await parseDirectory(builder, source, options.vault);
      baseDirs.push(resolve(source));
    } else {
      await parseFile(builder, source, options.vault);
      baseDirs.push(dirname(resolve(source)));
    }
  }
  builder.reconcile();

  const layers: VarsFileLayer[] = [];
  // Ansible's implicit localhost reads host_vars/localhost.yml (or 127.0.0.1, ::1) too.
  const hostNames = [...builder.hosts.keys(), ...implicitLocalhostNames(builder.hosts.keys())];
  for (const dir of baseDirs) {
    layers.push({
      groups: await loadVarsFiles(dir, 'group_vars', builder.groups.keys(), options.vault),
      hosts: await loadVarsFiles(dir, 'host_vars', hostNames, options.vault),
    });
  }
  return resolveInventory(builder, sources.join(','), layers);
}

/** host_list plugin: `a,b:2222,` — each entry a host (with an optional port) in `ungrouped`. */
function parseHostList(builder: InventoryBuilder, list: string): void {
  for (const entry of list.split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const { host, port } = splitHostPort(trimmed);
    builder.addHost(host, 'ungrouped', port);
  }
}

// IGNORED in ansible/inventory/manager.py: IGNORED_ALWAYS plus the default INVENTORY_IGNORE_EXTS.
const IGNORED = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(?:\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;

async function parseDirectory(builder: InventoryBuilder, dir: string, vault: VaultKeyring | undefined): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    throw new InputError(`cannot read inventory directory: ${(error as Error).message}`, { file: dir }, { cause: error });
  }
  for (const name of entries.sort()) {
    if (IGNORED.test(name)) continue;
    const full = join(dir, name);
    if ((await kindOf(full)) === 'dir') await parseDirectory(builder, full, vault);
    else await parseFile(builder, full, vault);
  }
}

const YAML_EXTENSIONS = ['', '.yaml', '.yml', '.json'];

async function parseFile(builder: InventoryBuilder, file: string, vault: VaultKeyring | undefined): Promise<void> {
  builder.currentFile = resolve(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read inventory file: ${(error as Error).message}`, { file }, { cause: error });
  }
  // Ansible would decrypt it, but its values could then not be told from its host and group
  // names, which must show: secrets belong in group_vars/host_vars files or inline !vault values.
  if (isVaultText(text)) {
    throw new InputError('a vault-encrypted inventory file is not supported: encrypt its group_vars/host_vars files, or single values with !vault', { file });
  }
  if (!YAML_EXTENSIONS.includes(extname(file))) {
    parseIniInventory(builder, file, text);
    return;
  }
  let yaml: YamlSource | undefined;
  let yamlError: InputError | undefined;
  try {
    yaml = parseYaml(file, text, vault);
  } catch (error) {
    // A vault value that does not decrypt is that error, whatever format the file turns out to be.
    if (!(error instanceof InputError) || error instanceof VaultError) throw error;
    yamlError = error;
  }
  const value = yaml?.value;
  if (yaml && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    if ('plugin' in value) {
      throw new InputError('inventory plugin configuration files are not supported, only YAML and INI inventories', yaml.positionOf(yaml.document.contents));
    }
    parseYamlInventory(builder, yaml);
    return;
  }
  // Not a YAML mapping: Ansible's next plugin is INI. When that fails too, a file named as
  // YAML was most likely meant as YAML, so its YAML error is the useful one.
  try {
    parseIniInventory(builder, file, text);
  } catch (iniError) {
    if (extname(file) !== '' && yamlError) throw yamlError;
    if (extname(file) !== '' && yaml) {
      throw new InputError('YAML inventory must be a mapping of group names', yaml.positionOf(yaml.document.contents));
    }
    throw iniError;
  }
}
