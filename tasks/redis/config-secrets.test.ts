// Passwords in redis.conf texts, from data: what Redis reads, what gets registered as secret, and
// the --diff of a password change through the engine's own masker and diff renderer.
import { describe, expect, it } from 'vitest';
import { renderFileDiff } from '../../src/report/diff.ts';
import { SecretMasker } from '../../src/run/secrets.ts';
import { confArgument, maskedChange, secretForms } from './config-secrets.ts';
import { confValue, renderNodeConfig } from './config-render.ts';

const OLD = 'Old-pw "quoted" \\ x';
const NEW = 'n3w-Passw0rd';
const conf = (password: string) =>
  renderNodeConfig({
    node: { ref: 'server1:7300', port: 7300, busPort: 17300, address: '10.0.0.1', role: 'master' },
    host: 'server1',
    baseDir: '/r',
    bind: '0.0.0.0',
    password,
    settings: {},
  }).text;

describe('confArgument', () => {
  it('reads a value as sdssplitargs does: bare, double-quoted with escapes, single-quoted', () => {
    expect(confArgument('plain rest')).toBe('plain');
    expect(confArgument(confValue(OLD))).toBe(OLD);
    expect(confArgument('"a\\x41\\tb"')).toBe('aA\tb');
    expect(confArgument("'it\\'s \\n'")).toBe("it's \\n");
  });
});

describe('secretForms', () => {
  it('finds requirepass and masterauth as written and as read, and ignores comments', () => {
    const text = `# requirepass commented-out\nport 7300\nrequirepass ${confValue(OLD)}\nMASTERAUTH other\n`;
    expect(secretForms(text)).toEqual([confValue(OLD), confValue(OLD).slice(1, -1), OLD, 'other']);
    expect(secretForms('port 7300\nrequirepass\n')).toEqual([]);
  });
});

describe('the --diff of a password change', () => {
  // What redis.config hands the engine, masked with what it registers, rendered as --diff prints it.
  const before = conf(OLD);
  const after = conf(NEW);
  const masker = new SecretMasker();
  masker.add(NEW); // all the engine knew before: the new password param
  for (const form of [...secretForms(before), ...secretForms(after)]) masker.add(form);
  const diff = masker.mask(renderFileDiff(maskedChange({ path: '/r/7300.conf', before, after }), { color: false }));

  it('shows neither password, in any form', () => {
    for (const form of [OLD, NEW, confValue(OLD), 'Old-pw']) expect(diff).not.toContain(form);
  });

  it('still shows that requirepass and masterauth changed', () => {
    expect(diff).toContain('-requirepass ******** (old value)\n');
    expect(diff).toContain('+requirepass ******** (new value)\n');
    expect(diff).toContain('-masterauth ******** (old value)\n');
    expect(diff).toContain('+masterauth ******** (new value)');
  });

  it('shows an unchanged password as a masked context line, and a new file masked', () => {
    const same = maskedChange({ path: '/r/7300.conf', before: conf(NEW).replace('maxmemory 350mb', 'maxmemory 1gb'), after: conf(NEW) });
    const text = renderFileDiff(same, { color: false });
    expect(text).not.toContain(NEW);
    expect(text).toContain('+maxmemory 350mb');
    expect(maskedChange({ path: 'x', before: null, after: conf(NEW) }).after).toContain('\nrequirepass ********\n');
  });
});
