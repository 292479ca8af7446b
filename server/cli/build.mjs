// Compiles server/ and jobs/ to dist/ with tsc, bundles the server into dist/app/ and prepares the
// embedded database template, unless dist/ is newer than every source file. Runs before `npm start`
// (and after `npm install`), so the README's two commands stay two and a restart does not pay for a
// compile it does not need.
import { fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const stamp = path.join(root, 'dist', '.built');

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return /\.(ts|json|sql)$/.test(p) ? st.mtimeMs : 0;
  let m = 0;
  for (const name of fs.readdirSync(p)) m = Math.max(m, newest(path.join(p, name)));
  return m;
}

const sources = Math.max(
  newest(path.join(root, 'server')),
  newest(path.join(root, 'jobs')),
  newest(path.join(root, 'tsconfig.json')),
  newest(path.join(root, 'tsconfig.build.json')),
  newest(path.join(root, 'package-lock.json')),
);
const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (built > sources && !process.argv.includes('--force')) process.exit(0);

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!fs.existsSync(tsc)) {
  // `npm install --omit=dev` has no compiler: do not fail the install; `npm start` says what is missing.
  if (process.argv.includes('--if-possible')) process.exit(0);
  console.error('Cannot build Beacon: TypeScript is not installed (run `npm install`, which installs dev dependencies too).');
  process.exit(1);
}
console.error('Compiling Beacon to dist/ …');
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

// `npm start` runs dist/app/: the compiled server and the libraries it loads at start-up bundled into
// a few files. Resolving, reading and compiling ~1,500 separate files took ~0.5 s of every restart
// (README "Performance"). Left outside: libraries loaded only when a feature is used (loading them
// stays lazy), and those that find their own files next to their code (PGlite's WebAssembly,
// socket.io's client bundle, swagger-ui's assets, node-cron's daemon) or start workers (pino).
// dist/server/ stays: the embedded database is created by its embeddedInit.js in a child process.
const loadedOnUse = ['openpgp', 'nodemailer', 'twitter-api-v2', 'qrcode', 'yazl', 'redis', '@socket.io/redis-adapter', '@simplewebauthn/server', 'pg'];
const ownFiles = ['@electric-sql/pglite', 'socket.io', 'swagger-ui-dist', 'node-cron', 'pino', 'pino-http'];
const { build } = await import('esbuild');
await build({
  entryPoints: [path.join(root, 'dist', 'server', 'main.js')],
  outdir: path.join(root, 'dist', 'app'),
  bundle: true,
  splitting: true, // each lazy import() stays a file of its own, loaded when first used
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: [...loadedOnUse, ...ownFiles].flatMap((name) => [name, `${name}/*`]),
  // Bundled CommonJS libraries call require() for Node's built-ins.
  banner: { js: "import { createRequire as beaconCreateRequire } from 'node:module'; const require = beaconCreateRequire(import.meta.url);" },
});

// A fresh DATA_DIR starts as a copy of this database (initdb + migrations, made once here; see
// server/db/embeddedInit.ts). Without it start-up still works, creating the database the slow way.
const template = path.join(root, 'dist', 'pgdata-template');
const scratch = `${template}.init`;
const child = fork(path.join(root, 'dist', 'server', 'db', 'embeddedInit.js'), [scratch], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c)));
if (code === 0) fs.renameSync(scratch, template);
else {
  fs.rmSync(scratch, { recursive: true, force: true });
  console.error('Could not prepare the embedded database template; a new DATA_DIR will be created at start-up instead.');
}
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
