/**
 * Counts the rows of the metadata request log in a state directory's SQLite database, read-only,
 * to show the benchmark ran with the request log actually recording (not dropping) requests.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const REQUEST_LOG_TABLE = 'metadata_requests';

export function countRequestLogRows(stateDir: string): { table: string; rows: number } {
  const dbFiles = readdirSync(stateDir).filter((f) => /\.(db|sqlite3?)$/.test(f));
  const dbFile = dbFiles[0];
  if (dbFiles.length !== 1 || dbFile === undefined) {
    throw new Error(`expected one SQLite database in ${stateDir}, found: ${dbFiles.join(', ') || 'none'}`);
  }
  const db = new Database(join(stateDir, dbFile), { readonly: true });
  try {
    const row = db.prepare(`SELECT count(*) AS n FROM ${REQUEST_LOG_TABLE}`).get() as { n: number };
    return { table: `${dbFile}:${REQUEST_LOG_TABLE}`, rows: row.n };
  } finally {
    db.close();
  }
}
