import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { PlaygraphError, InputError } from '../errors.ts';
import { PACKAGE_DIR } from '../package-dir.ts';
// Each command's module is imported when that command runs, not here: `--version`, `--help` and
// `modules` then start without loading the engine (issue 11: --version within 3x of `node -e 0`).
import type { CliIo } from './io.ts';
import { addVaultOptions } from './vault-options.ts';

/** Options shared by `run` and `graph`: what to load and which part of it. */
function addSelectionOptions(command: Command): Command {
  command
    .requiredOption('-i, --inventory <path>', 'inventory file, directory or host list (repeatable)', collect, [])
    .option('-e, --extra-vars <vars>', 'key=value, @file.yaml or JSON/YAML (repeatable; extra vars win)', collect, [])
    .option('-t, --tags <tags>', 'only tasks with these tags (comma separated, repeatable)', collectList, undefined)
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma separated, repeatable)', collectList, undefined)
    .option('--with-needs', 'also run the unselected needs of selected tasks')
    .option('-l, --limit <pattern>', 'further limit the hosts with an Ansible pattern')
    .option('-M, --modules <dir>', 'extra directory of task modules (repeatable)', collect, [])
    .option('--roles-path <dirs>', "where roles are found after the playbook's roles/ (colon separated, repeatable; default ANSIBLE_ROLES_PATH or Ansible's)", collectPaths, undefined);
  return addVaultOptions(command);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function collectPaths(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(':').filter(Boolean)];
}

function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((tag) => tag.trim()).filter(Boolean)];
}

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('playgraph')
    .description('Agentless orchestration: typed task modules run as a dependency graph across an inventory')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError();

  addSelectionOptions(program.command('run').description('run a playbook').argument('<playbook>'))
    .option('-C, --check', 'dry run: print the plan, change nothing anywhere')
    .option('-D, --diff', 'show file changes as unified diffs')
    .option('-f, --forks <n>', 'how many tasks run at once', (value) => positiveInt(value, '--forks'), 50)
    .addOption(new Option('-o, --output <kind>', 'how to report').choices(['auto', 'tty', 'plain', 'json']).default('auto'))
    .option('--known-hosts <file>', 'known_hosts file to verify host keys against (default ~/.ssh/known_hosts)')
    .option('-v, --verbose', 'show task log lines')
    .action(async (playbook: string, options) => setExit(await (await import('./run-command.ts')).runCommand(playbook, options, io)));

  addSelectionOptions(program.command('graph').description('draw the task graph of a playbook').argument('<playbook>'))
    .addOption(new Option('--format <format>', 'graph language').choices(['mermaid', 'dot']).default('mermaid'))
    .action(async (playbook: string, options) => setExit(await (await import('./graph-command.ts')).graphCommand(playbook, options, io)));

  addVaultOptions(
    program
      .command('inventory')
      .description('show the resolved inventory as JSON, like ansible-inventory')
      .requiredOption('-i, --inventory <path>', 'inventory file, directory or host list (repeatable)', collect, [])
      .option('--list', 'every group and host with its variables (the default)')
      .option('--host <name>', 'one host\'s variables')
      .option('--show-secrets', 'show the values of secrets (Vault, secret-named variables) instead of ********'),
  )
    .action(async (options) => setExit(await (await import('./inventory-command.ts')).inventoryCommand(options, io)));

  program
    .command('modules')
    .description('list the task modules and their params')
    .option('-M, --modules <dir>', 'extra directory of task modules (repeatable)', collect, [])
    .option('--json', 'as JSON')
    .action(async (options) => setExit(await (await import('./modules-command.ts')).modulesCommand(options, io)));
  return program;
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function positiveInt(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InputError(`${flag} takes a whole number of at least 1, got "${value}"`);
  return number;
}

/** The CLI entry: returns the exit code; never calls process.exit, so it can be tested in-process. */
export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 4;
    if (error instanceof PlaygraphError) {
      io.stderr.write(`ERROR: ${error.message}\n`);
      return error instanceof InputError ? 4 : 1;
    }
    io.stderr.write(`ERROR: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

// Run as a script (`npx tsx src/cli/main.ts run ...`, the dev flow on the sources), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv);
}
