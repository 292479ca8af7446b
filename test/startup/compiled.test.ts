import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Child } from '../support/beaconProcess.js';
import { recordLoadedPackages } from '../support/loadedPackages.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `npm start`'s node arguments (after `node`), from package.json. */
function startArgs(): string[] {
  const start = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  return start.split(/\s+/).slice(1);
}

/** The same step `npm start` runs first (prestart): a no-op when dist/ is up to date. */
function build(): void {
  const r = spawnSync(process.execPath, ['server/cli/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr + r.stdout).to.equal(0);
}

function productionEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'PUBLIC_URL', 'METRICS_TOKEN', 'BOOTSTRAP_ADMIN_EMAIL', 'BOOTSTRAP_ADMIN_PASSWORD', 'NODE_OPTIONS']) delete env[k];
  return { ...env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DEMO_DATA: 'true', NODE_ENV: 'production', ...extra };
}

// initdb gives every cluster its own system identifier (the first 8 bytes of pg_control): a copy keeps the template's.
const systemId = (pgdata: string) => fs.readFileSync(path.join(pgdata, 'global', 'pg_control')).subarray(0, 8).toString('hex');

/**
 * `npm start` runs compiled JavaScript — no TypeScript transpiler in the production process — bundled
 * into dist/app/ with the libraries it loads at start-up, and that build finds views/, public/ and
 * the migrations from the project root. The rest of the suite runs the TypeScript sources, so these
 * requests touch each bundled library once: a library that breaks when bundled fails here.
 */
describe('npm start: the compiled bundle (real child process)', function () {
  this.timeout(240_000);
  let child: Child | null = null;
  let dir = '';
  afterEach(async () => {
    await child?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs dist/app/main.js without tsx: pages, static files, the API (read, write, validation), feeds, calendar, API docs, metrics', async () => {
    const args = startArgs();
    expect(args.at(-1)).to.equal('dist/app/main.js');
    expect(args.join(' ')).not.to.include('tsx');
    build();

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-compiled-'));
    const admin = { email: 'admin@example.com', password: 'a long enough password' };
    child = new Child(spawn(process.execPath, args, { cwd: ROOT, env: productionEnv(dir, { BOOTSTRAP_ADMIN_EMAIL: admin.email, BOOTSTRAP_ADMIN_PASSWORD: admin.password }), stdio: ['ignore', 'pipe', 'pipe'] }));
    await child.waitForOutput('Beacon listening', 180_000);
    const base = `http://127.0.0.1:${child.port}`;

    const home = await fetch(`${base}/`);
    expect(home.status).to.equal(200);
    expect(await home.text()).to.match(/<html/i);
    expect((await fetch(`${base}/public/favicon.svg`)).status).to.equal(200);
    expect((await fetch(`${base}/socket.io/socket.io.min.js`)).status).to.equal(200);
    expect((await fetch(`${base}/readyz`)).status).to.equal(200);
    expect(await (await fetch(`${base}/console/login`)).text()).to.include('name="_csrf"');

    // A staff token from e-mail and password (password hashing), an incident filed with it
    // (validation, the database, Markdown), and a request that fails validation.
    const tokenRes = await fetch(`${base}/api/v1/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...admin, name: 'compiled test' }) });
    expect(tokenRes.status).to.equal(201);
    const { token } = (await tokenRes.json()) as { token: string };
    const staff = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/api/v1/incidents`, { method: 'POST', headers: staff, body: JSON.stringify({ title: 'Compiled build check', severity: 2, message: 'Checking **the bundle**' }) });
    expect(created.status).to.equal(201);
    const invalid = await fetch(`${base}/api/v1/incidents`, { method: 'POST', headers: staff, body: JSON.stringify({ title: '', severity: 9 }) });
    expect(invalid.status).to.equal(400);
    expect(((await invalid.json()) as { error: { code: string } }).error.code).to.equal('validation_failed');

    const unresolved = (await (await fetch(`${base}/api/v2/incidents/unresolved.json`)).json()) as { incidents: Array<{ name: string }> };
    expect(unresolved.incidents.map((i) => i.name)).to.include('Compiled build check');
    expect(await (await fetch(`${base}/history.atom`)).text()).to.include('<feed');
    expect(await (await fetch(`${base}/history.rss`)).text()).to.include('<rss');
    expect(await (await fetch(`${base}/maintenance.ics`)).text()).to.include('BEGIN:VCALENDAR');
    expect((await fetch(`${base}/api/v1/docs/swagger-ui.css`)).status).to.equal(200);
    expect(((await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { openapi: string }).openapi).to.match(/^3\./);
    expect(await (await fetch(`${base}/metrics`)).text()).to.include('process_resident_memory_bytes');

    const loaded = fs.readFileSync(`/proc/${child.proc.pid}/cmdline`, 'utf8').split('\0');
    expect(loaded.some((a) => a.includes('tsx'))).to.equal(false);
    expect(child.stderr).to.equal('');
  });

  // Start-up must not pay for what only some requests or settings need: the passkey library alone
  // took ~250 ms to load with its X.509 stack, and the embedded default never uses the PostgreSQL client.
  it('bundles what start-up needs and leaves the libraries used on demand unloaded', async () => {
    build();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-compiled-'));
    const record = recordLoadedPackages(dir);
    child = new Child(spawn(process.execPath, startArgs(), { cwd: ROOT, env: productionEnv(path.join(dir, 'data'), record.env), stdio: ['ignore', 'pipe', 'pipe'] }));
    await child.waitForOutput('Beacon listening', 180_000);
    const packages = record.loaded();
    // Loaded from node_modules: the libraries that find their own files next to their code.
    expect(packages).to.include.members(['@electric-sql/pglite', 'socket.io']);
    // Inside the bundle, so never loaded from node_modules.
    for (const bundled of ['express', 'drizzle-orm', 'handlebars', 'zod', 'luxon']) expect(packages).not.to.include(bundled);
    // Loaded on first use, and kept out of the bundle so that they stay so.
    for (const onDemand of ['openpgp', 'nodemailer', 'twitter-api-v2', 'qrcode', 'yazl', 'redis', '@simplewebauthn/server', 'pg']) expect(packages).not.to.include(onDemand);
  });

  it('starts a fresh DATA_DIR as a copy of the migrated database the build made (no initdb at start-up)', async () => {
    build();
    const template = path.join(ROOT, 'dist', 'pgdata-template');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-compiled-'));
    child = new Child(spawn(process.execPath, startArgs(), { cwd: ROOT, env: productionEnv(dir), stdio: ['ignore', 'pipe', 'pipe'] }));
    await child.waitForOutput('Beacon listening', 180_000);
    expect((await fetch(`http://127.0.0.1:${child.port}/api/v2/components.json`)).status).to.equal(200);
    expect(systemId(path.join(dir, 'pgdata'))).to.equal(systemId(template));
  });

  it('without the template, the bundle creates the database with initdb in a child process', async () => {
    build();
    // A project root of its own, whose dist/ has the bundle and tsc's output but no template.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-compiled-'));
    const root = path.join(dir, 'root');
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    for (const part of ['app', 'server']) fs.cpSync(path.join(ROOT, 'dist', part), path.join(root, 'dist', part), { recursive: true });
    for (const link of ['node_modules', 'views', 'public', 'server', 'package.json']) fs.symlinkSync(path.join(ROOT, link), path.join(root, link));
    child = new Child(spawn(process.execPath, startArgs(), { cwd: root, env: productionEnv(path.join(dir, 'data')), stdio: ['ignore', 'pipe', 'pipe'] }));
    await child.waitForOutput('Beacon listening', 180_000);
    expect((await fetch(`http://127.0.0.1:${child.port}/api/v2/components.json`)).status).to.equal(200);
    expect(fs.existsSync(path.join(root, 'dist', 'pgdata-template'))).to.equal(false);
    expect(systemId(path.join(dir, 'data', 'pgdata'))).not.to.equal(systemId(path.join(ROOT, 'dist', 'pgdata-template')));
  });
});
