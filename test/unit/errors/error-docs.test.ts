import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errors } from '../../../src/errors/catalogue.js';
import { renderErrorDocs } from '../../../src/errors/render-error-docs.js';

describe('error catalogue', () => {
  it('docs/errors.md is up to date with the catalogue (run `make docs` to regenerate)', () => {
    const onDisk = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderErrorDocs());
  });

  it('codes are unique and follow MC_ERR_*', () => {
    const codes = Object.values(errors).map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^MC_ERR_[A-Z0-9_]+$/);
  });

  it('every definition has a one-sentence summary ending with a period', () => {
    for (const def of Object.values(errors)) expect(def.summary, def.code).toMatch(/^\S[^\n]*\.$/);
  });
});
