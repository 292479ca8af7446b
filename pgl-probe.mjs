import fs from "node:fs"; globalThis.__fs = fs;
import { PGlite } from '@electric-sql/pglite';
const [dir, sb, mem] = process.argv.slice(2);
const t = Date.now();
const startParams = sb ? [...PGlite.defaultStartParams, '-c', `shared_buffers=${sb}`] : undefined;
const opts = {};
if (startParams) opts.startParams = startParams;
if (mem) opts.initialMemory = Number(mem) * 1024 * 1024;
const c = new PGlite(dir, opts);
await c.waitReady;
await c.query('select 1');
const r = await c.query("show shared_buffers");
global.gc?.();
await new Promise(r=>setTimeout(r,2000));
global.gc?.();
const st = (f)=>Number(new RegExp(`^${f}:\\s+(\\d+)`,'m').exec(require_fs().readFileSync('/proc/self/status','utf8'))[1])/1024|0;
function require_fs(){return globalThis.__fs}
console.log(JSON.stringify({sb: r.rows[0], ms: Date.now()-t, rss: st('VmRSS'), hwm: st('VmHWM')}));
await c.close();
