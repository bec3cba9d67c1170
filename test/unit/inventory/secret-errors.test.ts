import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/load.ts';

// Issue 9: a parse error quoted the inventory line with ansible_become_password in it.
const lines: Array<[string, string, RegExp]> = [
  ['unclosed quote on a host line', "[web]\nweb1 ansible_host=10.0.0.1 ansible_become_password='Sw0rdf1sh", /Error parsing host definition .*ansible_become_password='\*{8}.*No closing quotation/],
  ['vars line without =', '[web]\nweb1\n[web:vars]\ndb_pwd Sw0rdf1sh', /Expected key=value, got: db_pwd \*{8}/],
  ['invalid section beside a secret', '[web]\nweb1 api_token=Sw0rdf1sh\n[bad section]', /Invalid section entry/],
];

describe('an inventory line that does not parse is quoted without its secrets', () => {
  it.each(lines)('%s', async (_what, text, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-inv-secret-'));
    const file = join(dir, 'hosts.ini');
    writeFileSync(file, text);
    const error = await loadInventory([file]).then(() => undefined, (caught: Error) => caught);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('Sw0rdf1sh');
  });
});
