import { describe, expect, it } from 'vitest';
import { createReporter, type ReporterKind } from '../../../src/report/create.ts';
import { JsonLinesReporter } from '../../../src/report/json.ts';
import { PlainReporter } from '../../../src/report/plain.ts';
import { TtyReporter } from '../../../src/report/tty.ts';
import { MASK, SecretMasker, secretsFromVars } from '../../../src/run/secrets.ts';
import { StringStream, fakeTerminal } from './collect.ts';
import { PASSWORD, applyRun, checkRun } from './fixtures.ts';

describe('createReporter', () => {
  it('picks the live view on a terminal outside CI, plain lines otherwise', () => {
    const pick = (stream: NodeJS.WritableStream, env: Record<string, string>) =>
      createReporter('auto', { stream, diff: false, env });
    expect(pick(fakeTerminal().stream, {})).toBeInstanceOf(TtyReporter);
    expect(pick(fakeTerminal().stream, { CI: 'true' })).toBeInstanceOf(PlainReporter);
    expect(pick(fakeTerminal().stream, { CI: 'false' })).toBeInstanceOf(TtyReporter);
    expect(pick(new StringStream(), {})).toBeInstanceOf(PlainReporter);
  });

  it('gives the kind asked for', () => {
    const stream = new StringStream();
    expect(createReporter('json', { stream, diff: false })).toBeInstanceOf(JsonLinesReporter);
    expect(createReporter('plain', { stream, diff: false })).toBeInstanceOf(PlainReporter);
    expect(createReporter('tty', { stream, diff: false })).toBeInstanceOf(TtyReporter);
  });
});

describe('masking in every reporter', () => {
  const kinds: ReporterKind[] = ['plain', 'json', 'tty', 'auto'];
  it.each(kinds)('%s output never shows the password, in messages, warnings, errors or diffs', async (kind) => {
    const masker = new SecretMasker();
    for (const secret of secretsFromVars({ redis: { requirepass_password: PASSWORD } })) masker.add(secret);
    const stream = new StringStream();
    const reporter = createReporter(kind, { stream, diff: true, verbose: true, masker });
    for (const event of [...applyRun, ...checkRun]) reporter.emit(event);
    await reporter.done();
    expect(stream.text).not.toContain(PASSWORD);
    expect(stream.text).toContain(MASK);
    if (kind !== 'json') {
      expect(stream.text).toContain(`+requirepass ${MASK}`);
      expect(stream.text).toContain(`redis-cli -a ${MASK} ping`);
    }
  });

  it('masks the live view and its summary on a terminal', async () => {
    const masker = new SecretMasker();
    masker.add(PASSWORD);
    const { stream, text } = fakeTerminal();
    const reporter = createReporter('tty', { stream, diff: true, masker });
    for (const event of applyRun) reporter.emit(event);
    await reporter.done();
    await new Promise((resolve) => setImmediate(resolve));
    expect(text()).toContain('PLAY RECAP');
    expect(text()).toContain(MASK);
    expect(text()).not.toContain(PASSWORD);
  });
});
