import { readFileSync } from 'node:fs';
import type nunjucks from 'nunjucks';

/**
 * Ansible's `lookup()` for the plugins playbooks reach for most, evaluated on the controller as
 * Ansible does: `env` (a controller environment variable; '' when unset, like Ansible) and
 * `file` (a controller file's contents, trailing newline stripped). Anything else is an error
 * that names the plugin, not a silent empty string.
 */
export function lookup(plugin: string, ...terms: string[]): string {
  switch (plugin) {
    case 'env':
      return terms.map((name) => process.env[name] ?? '').join(',');
    case 'file':
      return terms.map((file) => readFileSync(file, 'utf8').replace(/\n$/, '')).join(',');
    default:
      throw new Error(`lookup plugin "${plugin}" is not supported (env and file are)`);
  }
}

export function installLookups(env: nunjucks.Environment): void {
  env.addGlobal('lookup', lookup);
}
