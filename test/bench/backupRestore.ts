// `npm run bench:backup`: backup and restore time and size for a database with 10,000 incidents
// (each with 3 public updates and 3 staff timeline events), from embedded PGlite into PostgreSQL and
// back. PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), where a
// scratch database is created and dropped.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, runMigrations } from '../../server/db/client.js';
import { runBackup } from '../../server/backup/runBackup.js';
import { restoreBackup } from '../../server/backup/restoreBackup.js';
import { takeBackup } from '../../server/backup/takeBackup.js';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 10_000);
const ADMIN = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PASS = 'bench passphrase 0123456789';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-bench-backup-'));
const ms = (t: number) => `${Math.round(performance.now() - t)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

const lite = await openDatabase({ dataDir: path.join(dir, 'source') });
await runMigrations(lite);
let t = performance.now();
for (const stmt of `
  insert into components (name, created_at, updated_at) select 'Component ' || g, now(), now() from generate_series(1, 20) g;
  insert into incidents (title, severity, status, reported_at, work_start_at, resolved_at, sla_goals, created_at, updated_at)
    select 'Incident number ' || g || ': checkout and search slow for some customers', 1 + g % 4, 'resolved',
      now() - (g || ' hours')::interval, now() - (g || ' hours')::interval + interval '10 minutes', now() - (g || ' hours')::interval + interval '2 hours',
      '{"work_start": 3600000, "temporary_fix": 14400000, "final_fix": 25200000}'::jsonb, now(), now()
    from generate_series(1, ${INCIDENTS}) g;
  insert into incident_updates (incident_id, status, body, affected_components, created_at, display_at)
    select i.id, s, 'We are looking into reports of slow pages. More in 30 minutes. (' || s || ')', '[{"code":"web","name":"Web","old_status":"operational","new_status":"degraded_performance"}]'::jsonb, i.reported_at, i.reported_at
    from incidents i cross join unnest(array['investigating','identified','resolved']) s;
  insert into incident_events (incident_id, kind, data, actor_name, at)
    select i.id, k, '{"note":"an internal note of moderate length for the timeline"}'::jsonb, 'Ann Operator', i.reported_at
    from incidents i cross join unnest(array['created','note','milestone']) k;
`.split(';\n')) if (stmt.trim()) await lite.db.execute(sql.raw(stmt));
console.log(`seeded ${INCIDENTS} incidents in ${ms(t)}`);

t = performance.now();
const { file, rows } = await runBackup(lite, { dir: path.join(dir, 'backups'), passphrase: PASS }, new Date());
console.log(`backup from PGlite: ${rows} rows, ${mb(file.size)} encrypted, ${ms(t)}`);
console.log(`(the same snapshot before compression and encryption: ${mb((await takeBackup(lite, new Date())).data.byteLength)})`);

const name = `beacon_bench_${crypto.randomBytes(3).toString('hex')}`;
const admin = new pg.Client({ connectionString: ADMIN });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(ADMIN);
url.pathname = `/${name}`;
const server = await openDatabase({ databaseUrl: url.toString(), statementTimeoutMs: 3_600_000 });
try {
  t = performance.now();
  await restoreBackup(server, fs.readFileSync(file.path), PASS);
  console.log(`restore into PostgreSQL: ${ms(t)}`);
  t = performance.now();
  const back = await runBackup(server, { dir: path.join(dir, 'backups2'), passphrase: PASS }, new Date());
  console.log(`backup from PostgreSQL: ${mb(back.file.size)} encrypted, ${ms(t)}`);
  const target = await openDatabase({ dataDir: path.join(dir, 'target') });
  t = performance.now();
  await restoreBackup(target, fs.readFileSync(back.file.path), PASS);
  console.log(`restore into PGlite: ${ms(t)}`);
  await target.close();
} finally {
  await server.close();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  await lite.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
