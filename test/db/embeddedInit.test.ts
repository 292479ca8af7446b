import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/db/client.js';
import { initEmbeddedDataDir } from '../../server/db/embeddedInit.js';

/** Pids of this process's children whose command line mentions `needle` (Linux /proc). */
function childrenOf(needle: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) pids.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

describe('embedded database creation in a short-lived child process (real PGlite on disk)', function () {
  this.timeout(180_000);
  let dir = '';
  beforeEach(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-init-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a fresh DATA_DIR gets a migrated database, small shared buffers, and no scratch directory left', async () => {
    const database = await openDatabase({ dataDir: dir });
    try {
      const res = (await database.db.execute(sql`select to_regclass('public.incidents') as t, current_setting('shared_buffers') as sb`)) as unknown as {
        rows: { t: string | null; sb: string }[];
      };
      expect(res.rows[0]).to.deep.equal({ t: 'incidents', sb: '16MB' });
    } finally {
      await database.close();
    }
    expect(fs.readdirSync(dir)).to.deep.equal(['pgdata']);
  });

  it('a creation killed half-way (SIGKILL) leaves no database behind, and the next start creates it', async () => {
    const pgdata = path.join(dir, 'pgdata');
    const creating = initEmbeddedDataDir(pgdata);
    let pids: number[] = [];
    const deadline = Date.now() + 30_000;
    while (pids.length === 0 && Date.now() < deadline) {
      pids = childrenOf('embeddedInit');
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(pids, 'the creating child process').to.have.length(1);
    await new Promise((r) => setTimeout(r, 300)); // let it write part of the database
    process.kill(pids[0]!, 'SIGKILL');
    const err = await creating.then(() => null, (e: Error) => e);
    expect(err?.message).to.match(/creating the embedded database failed \(killed\)/);
    expect(fs.readdirSync(dir)).to.deep.equal([]);

    const database = await openDatabase({ dataDir: dir });
    try {
      const res = (await database.db.execute(sql`select to_regclass('public.incidents') as t`)) as unknown as { rows: { t: string | null }[] };
      expect(res.rows[0]?.t).to.equal('incidents');
    } finally {
      await database.close();
    }
  });
});
