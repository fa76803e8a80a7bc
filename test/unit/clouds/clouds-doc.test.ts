import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOUDS } from '../../../src/clouds/registry.js';
import { renderCloudsTable, withCloudsTable } from '../../../src/clouds/render-clouds-table.js';

describe('docs/clouds.md', () => {
  const doc = readFileSync(new URL('../../../docs/clouds.md', import.meta.url), 'utf8');

  it('has the clouds table of the registry (run `make docs` to regenerate)', () => {
    expect(doc).toBe(withCloudsTable(doc, renderCloudsTable(CLOUDS)));
  });

  it('has a section for every registered cloud, naming how to test an image as that cloud', () => {
    for (const cloud of CLOUDS) expect(doc, cloud.name).toContain(`--datasource ${cloud.name}`);
  });
});
