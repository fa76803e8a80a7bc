import type { Database, Statement } from 'better-sqlite3';
import type { InstanceRecord } from '../../../domain/instance.js';
import { errors } from '../../../errors/catalogue.js';
import type { InstanceStore } from '../../../ports/store.js';
import { INSTANCE_COLUMNS, instanceFromRow, rowFromInstance, type InstanceRow } from './instance-row.js';
import { instanceExistsFromSqliteError } from './unique-violation.js';

/**
 * InstanceStore on SQLite with an in-memory read cache. Reads (getInstanceByIp on the metadata hot
 * path, getInstance, listInstances) are Map lookups and never touch SQLite; the cache is rebuilt
 * from the database after every mutation made through this object. Writes by OTHER processes are
 * not seen until `reload()` (the controller is the only writer of a cloud's database).
 * Returned records are shared with the cache: treat them as read-only.
 */
export class SqliteInstanceStore implements InstanceStore {
  private readonly db: Database;
  private byId = new Map<string, InstanceRecord>();
  private byIp = new Map<string, InstanceRecord>();
  private ordered: InstanceRecord[] = [];
  private rev = 0;
  private readonly selectAll: Statement<[], InstanceRow>;
  private readonly insert: Statement<InstanceRow>;
  private readonly update: Statement<InstanceRow>;
  private readonly remove: Statement<[string]>;
  private readonly selectPassword: Statement<[string], { password: string }>;
  private readonly insertPassword: Statement<[string, string, number]>;
  private readonly now: () => number;

  constructor(db: Database, now: () => number) {
    this.db = db;
    this.now = now;
    const cols = INSTANCE_COLUMNS.join(', ');
    const params = INSTANCE_COLUMNS.map((c) => `@${c}`).join(', ');
    const sets = INSTANCE_COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = @${c}`).join(', ');
    this.selectAll = db.prepare(`SELECT ${cols} FROM instances ORDER BY created_at, rowid`);
    this.insert = db.prepare(`INSERT INTO instances (${cols}) VALUES (${params})`);
    this.update = db.prepare(`UPDATE instances SET ${sets} WHERE id = @id`);
    this.remove = db.prepare('DELETE FROM instances WHERE id = ?');
    this.selectPassword = db.prepare('SELECT password FROM instance_passwords WHERE instance_id = ?');
    // INSERT OR IGNORE makes "set once" atomic: the primary key decides, not a read-then-write.
    this.insertPassword = db.prepare('INSERT OR IGNORE INTO instance_passwords (instance_id, password, set_at) VALUES (?, ?, ?)');
    this.reload();
  }

  /** Re-reads every row (validating each) and swaps the cache. Call after another process wrote. */
  reload(): void {
    const ordered = this.selectAll.all().map(instanceFromRow);
    this.ordered = ordered;
    this.byId = new Map(ordered.map((i) => [i.id, i]));
    this.byIp = new Map(ordered.map((i) => [i.ip, i]));
    this.rev += 1;
  }

  insertInstance(instance: InstanceRecord): void {
    this.write(instance, () => this.insert.run(rowFromInstance(instance)));
  }

  updateInstance(instance: InstanceRecord): void {
    this.write(instance, () => {
      if (this.update.run(rowFromInstance(instance)).changes === 0) throw errors.instanceNotFound(instance.id);
    });
  }

  deleteInstance(id: string): void {
    if (this.remove.run(id).changes > 0) this.reload();
  }

  getInstance(id: string): InstanceRecord | undefined {
    return this.byId.get(id);
  }

  getInstanceByIp(ip: string): InstanceRecord | undefined {
    return this.byIp.get(ip);
  }

  listInstances(): InstanceRecord[] {
    return [...this.ordered];
  }

  revision(): number {
    return this.rev;
  }

  getPassword(id: string): string | null {
    return this.selectPassword.get(id)?.password ?? null;
  }

  setPasswordOnce(id: string, password: string): boolean {
    if (!this.byId.has(id)) throw errors.instanceNotFound(id);
    return this.insertPassword.run(id, password, this.now()).changes === 1;
  }

  private write(instance: InstanceRecord, run: () => void): void {
    try {
      this.db.transaction(run)();
    } catch (err) {
      throw instanceExistsFromSqliteError(err, instance) ?? err;
    }
    this.reload();
  }
}
