// Regenerates the docs that are derived from code (currently docs/errors.md). Run by `make docs`.
import { writeFileSync } from 'node:fs';
import { renderErrorDocs } from '../src/errors/render-error-docs.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorDocs());
process.stdout.write('wrote docs/errors.md\n');
