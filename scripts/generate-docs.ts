// Regenerates the docs that are derived from code (docs/errors.md, docs/minicloud.schema.json,
// docs/faults.schema.json, the clouds table of docs/clouds.md). Run by `make docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { CLOUDS } from '../src/clouds/registry.js';
import { renderCloudsTable, withCloudsTable } from '../src/clouds/render-clouds-table.js';
import { renderFaultsJsonSchema } from '../src/config/load-faults-file.js';
import { renderMinicloudJsonSchema } from '../src/config/minicloud-config.js';
import { renderErrorDocs } from '../src/errors/render-error-docs.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorDocs());
process.stdout.write('wrote docs/errors.md\n');
writeFileSync(new URL('../docs/minicloud.schema.json', import.meta.url), renderMinicloudJsonSchema());
process.stdout.write('wrote docs/minicloud.schema.json\n');
writeFileSync(new URL('../docs/faults.schema.json', import.meta.url), renderFaultsJsonSchema());
process.stdout.write('wrote docs/faults.schema.json\n');
const cloudsDoc = new URL('../docs/clouds.md', import.meta.url);
writeFileSync(cloudsDoc, withCloudsTable(readFileSync(cloudsDoc, 'utf8'), renderCloudsTable(CLOUDS)));
process.stdout.write('wrote the clouds table of docs/clouds.md\n');
