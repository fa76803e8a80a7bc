import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { LineCounter, parseDocument } from 'yaml';
import { CLOUD_NAMES } from '../clouds/registry.js';
import { FaultBook } from '../core/fault-book.js';
import { FaultRuleSpecSchema, type FaultRuleSpec } from '../core/fault-rule-spec.js';
import { errors } from '../errors/catalogue.js';
import { schemaChecker } from './first-schema-error.js';

/**
 * The file form of fault rules (`metadata serve --faults FILE`, `smoke --faults FILE`): YAML or JSON with
 * a `faults:` list, the same rules as minicloud.yaml's `faults:` (docs/faults.md). Its JSON Schema is
 * docs/faults.schema.json (written by `make docs`; a unit test checks it is current).
 */
export const FaultsFileSchema = Type.Object(
  { faults: Type.Array(FaultRuleSpecSchema, { description: 'fault rules, tried in this order; the first that fires shapes the answer' }) },
  { additionalProperties: false, $id: 'https://minicloud.dev/schema/faults.json', title: 'minicloud fault rules' },
);
export type FaultsFile = Static<typeof FaultsFileSchema>;

const checkFile = schemaChecker(FaultsFileSchema);

/**
 * Reads a faults file and checks every rule as the server will (one action, one limit, globs, clouds,
 * unique ids), so a bad rule fails here, naming it (`faults.yaml: faults[2]: …`), before anything starts.
 * Unreadable → MC_ERR_FILE_UNREADABLE; malformed → MC_ERR_FILE_INVALID or MC_ERR_FAULT_RULE_INVALID.
 */
export function loadFaultsFile(path: string): FaultRuleSpec[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw errors.fileUnreadable(path, (err as Error).message).causedBy(err);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = lines.linePos(syntax.pos[0]);
    throw errors.fileInvalid(path, `line ${at.line}, column ${at.col}`, syntax.message.split('\n')[0] ?? 'not valid YAML/JSON');
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const problem = checkFile(value);
  if (problem) throw errors.fileInvalid(path, problem.pointer, problem.reason);
  const specs = (value as FaultsFile).faults;
  checkFaultSpecs(specs, (i) => `${path}: faults[${i}]`);
  return specs;
}

/** Checks rules as a FaultBook adding them would (MC_ERR_FAULT_*), without keeping them. */
export function checkFaultSpecs(specs: readonly FaultRuleSpec[], whereOf: (index: number) => string): void {
  new FaultBook({ now: () => 0, seed: () => 0, clouds: CLOUD_NAMES, publish: () => {} }).addAll(specs, whereOf);
}

/** docs/faults.schema.json: for editors and CI linters. */
export function renderFaultsJsonSchema(): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...FaultsFileSchema }, null, 2)}\n`;
}
