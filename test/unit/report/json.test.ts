import { describe, expect, it } from 'vitest';
import { JsonLinesReporter } from '../../../src/report/json.ts';
import { StringStream } from './collect.ts';
import { applyRun, checkRun } from './fixtures.ts';

describe('JsonLinesReporter', () => {
  it('writes each event as one JSON line that parses back to the event', async () => {
    const stream = new StringStream();
    const reporter = new JsonLinesReporter({ stream });
    const events = [...applyRun, ...checkRun];
    for (const event of events) reporter.emit(event);
    await reporter.done();
    const lines = stream.text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(events.length);
    expect(lines.map((line) => JSON.parse(line))).toEqual(events);
  });
});
