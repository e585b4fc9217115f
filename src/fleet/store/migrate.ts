/**
 * Versioned schema migrations of the fleet store. Each migration runs once, in its own transaction, in
 * order; `schema_migration` records what ran. Workers starting together serialise on an advisory lock,
 * and a store migrated by a newer kioskd is refused rather than written with an older idea of its tables.
 */
import type pg from 'pg';
import { SCHEMA_V1, SCHEMA_V2 } from './schema.sql.js';
import { VIEWS_V3 } from './views.sql.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append only: a published migration is never edited, a change is a new version. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'kiosks, link state, records, health, alerts', sql: SCHEMA_V1 },
  { version: 2, name: 'KPI summaries, settlements, audit heads', sql: SCHEMA_V2 },
  { version: 3, name: 'dashboard views', sql: VIEWS_V3 },
];

/** pg_advisory_lock key: "kioskd-fleet" as a number, so that nothing else is likely to share it. */
const LOCK = 0x6b696f736b64;

export class StoreTooNewError extends Error {}

/** Bring the store up to the latest migration; returns the versions applied now. */
export async function migrate(client: pg.ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migration')).rows.map((r) => r.version));
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...done);
    if (newest > known) throw new StoreTooNewError(`the fleet store is at schema version ${newest}; this kioskd knows up to ${known}: upgrade kioskd`);
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      applied.push(m.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK]);
  }
}
