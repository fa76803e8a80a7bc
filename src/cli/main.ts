#!/usr/bin/env node
import './production-env.js';
import { buildProgram } from './program.js';
import { reportError } from './report-error.js';

// The only place that turns errors into exit codes (see README.md, "Exit codes").
try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err, process.stderr);
}
