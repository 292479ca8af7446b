import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Child } from '../support/beaconProcess.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * `npm start` runs the compiled JavaScript in dist/ — no TypeScript transpiler in the production
 * process — and that build finds views/, public/ and the migrations from the project root.
 */
describe('npm start: the compiled build (real child process)', function () {
  this.timeout(240_000);
  let child: Child | null = null;
  let dir = '';
  afterEach(async () => {
    await child?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs dist/server/main.js without tsx, and serves pages, static files and a migrated database', async () => {
    const start = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
    const args = start.split(/\s+/);
    expect(args[0]).to.equal('node');
    expect(args.at(-1)).to.equal('dist/server/main.js');
    expect(start).not.to.include('tsx');

    // The same step `npm start` runs first (prestart): a no-op when dist/ is up to date.
    const build = spawnSync(process.execPath, ['server/cli/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr + build.stdout).to.equal(0);

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-compiled-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DEMO_DATA: 'true', NODE_ENV: 'production' };
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'PUBLIC_URL', 'NODE_OPTIONS']) delete env[k];
    child = new Child(spawn(process.execPath, args.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    await child.waitForOutput('Beacon listening', 180_000);
    const base = `http://127.0.0.1:${child.port}`;

    const home = await fetch(`${base}/`);
    expect(home.status).to.equal(200);
    expect(await home.text()).to.match(/<html/i);
    expect((await fetch(`${base}/public/favicon.svg`)).status).to.equal(200);
    expect((await fetch(`${base}/readyz`)).status).to.equal(200);

    const loaded = fs.readFileSync(`/proc/${child.proc.pid}/cmdline`, 'utf8').split('\0');
    expect(loaded.some((a) => a.includes('tsx'))).to.equal(false);
    expect(child.stderr).to.equal('');
  });

  it('starts a fresh DATA_DIR as a copy of the migrated database the build made (no initdb at start-up)', async () => {
    const build = spawnSync(process.execPath, ['server/cli/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr + build.stdout).to.equal(0);
    const template = path.join(ROOT, 'dist', 'pgdata-template');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-compiled-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DEMO_DATA: 'true', NODE_ENV: 'production' };
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'PUBLIC_URL', 'NODE_OPTIONS']) delete env[k];
    child = new Child(spawn(process.execPath, ['dist/server/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    await child.waitForOutput('Beacon listening', 180_000);
    expect((await fetch(`http://127.0.0.1:${child.port}/api/v2/components.json`)).status).to.equal(200);
    // initdb gives every cluster its own system identifier (the first 8 bytes of pg_control): a copy keeps the template's.
    const systemId = (pgdata: string) => fs.readFileSync(path.join(pgdata, 'global', 'pg_control')).subarray(0, 8).toString('hex');
    expect(systemId(path.join(dir, 'pgdata'))).to.equal(systemId(template));
  });
});
