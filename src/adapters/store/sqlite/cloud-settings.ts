import { randomBytes, randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { errors } from '../../../errors/catalogue.js';

/** Per-cloud settings in the `cloud` key/value table, created on first use and stable afterwards. */
export class CloudSettings {
  private readonly select: Statement<[string], { value: Uint8Array }>;
  private readonly insertIfAbsent: Statement<[string, Uint8Array]>;

  constructor(db: Database) {
    this.select = db.prepare('SELECT value FROM cloud WHERE key = ?');
    this.insertIfAbsent = db.prepare('INSERT OR IGNORE INTO cloud (key, value) VALUES (?, ?)');
  }

  /** Random id of this cloud (a UUID), fixed when the database is created. */
  cloudId(): string {
    return Buffer.from(this.getOrCreate('cloud-id', () => Buffer.from(randomUUID()))).toString('utf8');
  }

  /**
   * The 32-byte secret that keys IMDSv2 tokens. Random per cloud, never leaves the database, so
   * tokens from one cloud are worthless in another and survive a controller restart.
   */
  tokenSecret(): Uint8Array {
    const secret = this.getOrCreate('token-secret', () => randomBytes(32));
    if (secret.byteLength !== 32) throw errors.storeRowInvalid('cloud', 'token-secret', `expected 32 bytes, found ${secret.byteLength}`);
    return secret;
  }

  // INSERT OR IGNORE then SELECT: two processes racing on first use agree on one value.
  private getOrCreate(key: string, create: () => Uint8Array): Uint8Array {
    const existing = this.select.get(key);
    if (existing) return new Uint8Array(existing.value);
    this.insertIfAbsent.run(key, create());
    const stored = this.select.get(key);
    if (!stored) throw errors.storeRowInvalid('cloud', key, 'missing right after it was inserted');
    return new Uint8Array(stored.value);
  }
}
