import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { expect } from 'vitest';

const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/hypervisor');

/**
 * Compares `actual` with fixtures/hypervisor/<name>. `UPDATE_GOLDEN=1` rewrites the file instead (then
 * review the diff: a golden change is a behaviour change).
 */
export function expectGolden(name: string, actual: string): void {
  const path = resolve(FIXTURES, name);
  if (process.env['UPDATE_GOLDEN']) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
