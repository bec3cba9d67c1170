import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, similarNames } from '../../../src/modules/similar-names.ts';

describe('editDistance', () => {
  it.each([
    ['file', 'file', 0],
    ['fiel', 'file', 1],
    ['moed', 'mode', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%s / %s = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe('similarNames', () => {
  const modules = ['core.file', 'core.shell', 'core.user', 'core.copy', 'core.command', 'redis.build'];
  it.each([
    ['core.fiel', ['core.file']],
    ['core.cpy', ['core.copy']],
    ['redis.biuld', ['redis.build']],
    ['nothing.like.it', []],
  ])('%s -> %j', (name, expected) => {
    expect(similarNames(name, modules)).toEqual(expected);
  });

  it('phrases a suggestion, or nothing', () => {
    expect(didYouMean('modee', ['mode', 'owner'])).toBe(' (did you mean mode?)');
    expect(didYouMean('zzz', ['mode', 'owner'])).toBe('');
  });
});
