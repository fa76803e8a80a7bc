// Regenerates the docs that are derived from code (docs/errors.md, docs/minicloud.schema.json). Run by `make docs`.
import { writeFileSync } from 'node:fs';
import { renderMinicloudJsonSchema } from '../src/config/minicloud-config.js';
import { renderErrorDocs } from '../src/errors/render-error-docs.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorDocs());
process.stdout.write('wrote docs/errors.md\n');
writeFileSync(new URL('../docs/minicloud.schema.json', import.meta.url), renderMinicloudJsonSchema());
process.stdout.write('wrote docs/minicloud.schema.json\n');
