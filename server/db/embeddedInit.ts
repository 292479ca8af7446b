import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { ROOT } from '../paths.js';

/**
 * PGlite settings for Beacon's small database. The default shared_buffers (128 MB) lives inside the
 * WebAssembly heap and is paid for in resident memory once touched; 16 MB holds Beacon's working set.
 */
export const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * A new, migrated embedded database made by the build (server/cli/build.mjs) next to the compiled
 * code; a new DATA_DIR starts as a copy of it, which takes well under a second where initdb takes
 * several. Used only by the compiled server, whose migrations are the ones it was made with.
 */
export const EMBEDDED_TEMPLATE = path.join(ROOT, 'dist', 'pgdata-template');

/**
 * Creates the embedded database in `pgdata` (initdb + migrations) in a short-lived child process:
 * initdb's peak (~700 MB) would otherwise stay resident in Beacon for its whole life, because a
 * WebAssembly heap never shrinks. The child works in a scratch directory renamed into place at the
 * end, so a start-up killed half-way leaves no half-made database behind. No-op when `pgdata` exists.
 */
export async function initEmbeddedDataDir(pgdata: string): Promise<void> {
  if (fs.existsSync(pgdata)) return;
  const parent = path.dirname(pgdata);
  for (const name of fs.readdirSync(parent)) {
    if (name.startsWith(`${path.basename(pgdata)}.init-`)) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
  const scratch = `${pgdata}.init-${process.pid}`;
  // This file is .ts under tsx and .js compiled. The parent's own node flags are not passed on
  // (they may be --eval, --input-type, a profiler…): the child needs only tsx, when it is TypeScript.
  // In the bundle `npm start` runs (dist/app/) this code sits in a shared chunk, so the child runs
  // the file tsc compiled, which the build keeps next to it.
  const self = fileURLToPath(import.meta.url);
  const script = self.endsWith('.ts') ? self : path.join(ROOT, 'dist', 'server', 'db', 'embeddedInit.js');
  if (self.endsWith('.js') && fs.existsSync(path.join(EMBEDDED_TEMPLATE, 'PG_VERSION'))) {
    try {
      fs.cpSync(EMBEDDED_TEMPLATE, scratch, { recursive: true });
      fs.renameSync(scratch, pgdata);
      return;
    } catch {
      fs.rmSync(scratch, { recursive: true, force: true }); // (a full disk, say): initdb says why below
    }
  }
  const execArgv = self.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = fork(script, [scratch], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => void (stderr = (stderr + c.toString()).slice(-2000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(signal ? null : c));
  });
  if (code !== 0) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new Error(`creating the embedded database failed (${code === null ? 'killed' : `exit ${code}`}): ${stderr.trim() || 'no output'}`);
  }
  fs.renameSync(scratch, pgdata);
}

async function childMain(scratch: string): Promise<void> {
  // The parent is gone (killed): stop rather than finish a database nobody will rename into place.
  process.on('disconnect', () => process.exit(1));
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const { migrationsFolder } = await import('./client.js');
  const client = new PGlite(scratch, { startParams: PGLITE_START_PARAMS });
  await client.waitReady;
  await migrate(drizzle(client), { migrationsFolder });
  await client.close();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.send) {
  const scratch = process.argv[2];
  if (!scratch) process.exit(2);
  childMain(scratch).then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
