import { describe, expect, it } from 'vitest';
import { formatDuration, formatSize, parseDuration, parseSize } from '../../../src/core/units.js';
import { isMinicloudError } from '../../../src/errors/catalogue.js';

describe('parseDuration', () => {
  it.each([
    ['300', 300_000],
    ['1.5', 1500],
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    [' 2m ', 120_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'five', '5x', '5 m', 'm5', '-1s', '1s5'])('rejects %j with MC_ERR_BAD_DURATION (exit 1)', (text) => {
    try {
      parseDuration(text, '--timeout');
      expect.unreachable();
    } catch (err) {
      expect(isMinicloudError(err) && err.code).toBe('MC_ERR_BAD_DURATION');
      expect(isMinicloudError(err) && err.exitCode).toBe(1);
      expect(String((err as Error).message)).toContain('--timeout');
    }
  });
});

describe('parseSize', () => {
  it.each([
    ['256M', 256 * 2 ** 20],
    ['256', 256 * 2 ** 20],
    ['1G', 2 ** 30],
    ['1.5G', 1.5 * 2 ** 30],
    ['512MiB', 512 * 2 ** 20],
    ['2GB', 2 * 2 ** 30],
    ['64k', 64 * 1024],
    ['1T', 2 ** 40],
  ])('%s → %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each(['', '0', 'big', '1X', '-5M', 'M'])('rejects %j', (text) => {
    expect(() => parseSize(text, '--memory')).toThrow(/--memory/);
  });
});

describe('formatting', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [1234, '1.2 s'],
    [125_000, '2 m 05 s'],
  ])('formatDuration(%d) = %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    [256 * 2 ** 20, '256M'],
    [2 ** 30, '1G'],
    [1.5 * 2 ** 30, '1.5G'],
    [100, '100B'],
  ])('formatSize(%d) = %s', (bytes, text) => expect(formatSize(bytes)).toBe(text));
});
