import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearNetnsRecord, readNetnsRecord, writeNetnsRecord } from '../../../src/config/netns-record.js';
import { thrownMinicloudError } from '../../helpers/minicloud-error.js';

describe('netns.json (the namespace `up --netns` runs the cloud in)', () => {
  let dir = '';
  let path = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'netns-record-'));
    path = join(dir, 'netns.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is null when absent, and reads back what was written', () => {
    expect(readNetnsRecord(path)).toBeNull();
    writeNetnsRecord(path, { name: 'mc-a', created: true, inode: 4026532178 });
    expect(readNetnsRecord(path)).toEqual({ name: 'mc-a', created: true, inode: 4026532178 });
  });

  it('is cleared only while it still names that namespace', () => {
    writeNetnsRecord(path, { name: 'mc-b', created: false, inode: 7 });
    clearNetnsRecord(path, 'mc-a');
    expect(readNetnsRecord(path)?.name).toBe('mc-b');
    clearNetnsRecord(path, 'mc-b');
    expect(existsSync(path)).toBe(false);
  });

  it('a file that is not a record is MC_ERR_FILE_INVALID naming the field', () => {
    writeFileSync(path, JSON.stringify({ name: 'x/../y', created: true, inode: 1 }));
    const err = thrownMinicloudError(() => readNetnsRecord(path));
    expect(err.code).toBe('MC_ERR_FILE_INVALID');
    expect(err.message).toMatch(/netns\.json: \/name: /);
    writeFileSync(path, '{');
    expect(thrownMinicloudError(() => readNetnsRecord(path)).code).toBe('MC_ERR_FILE_INVALID');
  });
});
