import Database from 'better-sqlite3';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ControllerInstance } from '../../../domain/controller-instance.js';
import { STAGES } from '../../../domain/stages.js';
import { errors } from '../../../errors/catalogue.js';
import type { ControllerStore } from '../../../ports/controller-store.js';

const StageSchema = Type.Union(STAGES.map((s) => Type.Literal(s)));
const ControllerInstanceSchema = Type.Object({
  id: Type.String(),
  desired: Type.Union([Type.Literal('running'), Type.Literal('stopped'), Type.Literal('deleted')]),
  image: Type.Object({
    name: Type.String(),
    path: Type.String(),
    format: Type.Union([Type.Literal('qcow2'), Type.Literal('raw')]),
    kernel: Type.Union([Type.Null(), Type.Object({ kernelPath: Type.String(), initrdPath: Type.Union([Type.Null(), Type.String()]), cmdline: Type.String() })]),
    sshUser: Type.String(),
  }),
  cpus: Type.Integer(),
  memoryMiB: Type.Integer(),
  diskBytes: Type.Union([Type.Null(), Type.Number()]),
  removeOnExit: Type.Boolean(),
  accelerator: Type.Union([Type.Null(), Type.Literal('kvm'), Type.Literal('tcg')]),
  stages: Type.Object({
    stage: StageSchema,
    reached: Type.Record(Type.String(), Type.Number()),
    implied: Type.Array(StageSchema),
    startedAt: Type.Union([Type.Null(), Type.Number()]),
  }),
  failure: Type.Union([Type.Null(), Type.Object({ code: Type.String(), message: Type.String(), hint: Type.Union([Type.Null(), Type.String()]), exit: Type.Integer(), at: Type.Number() })]),
});

/**
 * ControllerStore on the cloud's SQLite database (table `controller_instances`, migration 0002; the
 * store's openSqliteStore must have run first). Given the database file's path, it opens its own
 * connection to the same WAL database file; given an open connection (e.g. to a `:memory:` database,
 * which no second connection can see), it shares it and close() leaves it open. Each put is one
 * autocommitted statement, durable before it returns, so kill -9 loses nothing recorded.
 */
export class SqliteControllerStore implements ControllerStore {
  private readonly db: Database.Database;
  private readonly ownsConnection: boolean;
  private readonly now: () => number;

  constructor(database: string | Database.Database, now: () => number = Date.now) {
    this.ownsConnection = typeof database === 'string';
    if (typeof database === 'string') {
      this.db = new Database(database);
      this.db.pragma('busy_timeout = 5000');
    } else {
      this.db = database;
    }
    this.now = now;
  }

  list(): ControllerInstance[] {
    const rows = this.db.prepare('SELECT id, doc FROM controller_instances ORDER BY seq').all() as { id: string; doc: string }[];
    return rows.map((r) => this.parse(r.id, r.doc));
  }

  get(id: string): ControllerInstance | undefined {
    const row = this.db.prepare('SELECT doc FROM controller_instances WHERE id = ?').get(id) as { doc: string } | undefined;
    return row && this.parse(id, row.doc);
  }

  put(instance: ControllerInstance): void {
    this.db
      .prepare(
        `INSERT INTO controller_instances (id, seq, desired, doc, updated_at)
         VALUES (@id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM controller_instances), @desired, @doc, @now)
         ON CONFLICT (id) DO UPDATE SET desired = excluded.desired, doc = excluded.doc, updated_at = excluded.updated_at`,
      )
      .run({ id: instance.id, desired: instance.desired, doc: JSON.stringify(instance), now: this.now() });
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM controller_instances WHERE id = ?').run(id);
  }

  /** Closes the connection this store opened; a shared one stays open for its owner. */
  close(): void {
    if (this.ownsConnection) this.db.close();
  }

  private parse(id: string, doc: string): ControllerInstance {
    let value: unknown;
    try {
      value = JSON.parse(doc);
    } catch (err) {
      throw errors.storeRowInvalid('controller_instances', id, 'doc is not JSON').causedBy(err);
    }
    const first = Value.Errors(ControllerInstanceSchema, value).First();
    if (first) throw errors.storeRowInvalid('controller_instances', id, `${first.path}: ${first.message}`);
    return value as ControllerInstance;
  }
}
