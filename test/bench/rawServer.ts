// Child process: the "raw" baselines. Driven over IPC by the orchestrator.
//  {cmd:'http', routes:[{path, status, rawHeaders, body(base64)}]} → {type:'listening', port}
//     a bare node:http server replaying the bytes and headers Beacon returned for each path
//  {cmd:'io', status}  → {type:'listening', port}   a bare socket.io server with a /public namespace
//  {cmd:'emit', status} → {type:'emitted', t0}        io.of('/public').emit('status', …)
//  {cmd:'rss'} → {type:'rss', kib}
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { nowMs, rssKiB } from './lib.js';

interface Route {
  path: string;
  status: number;
  rawHeaders: string[];
  body: string;
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);
let io: Server | null = null;
let lastStatus: unknown = null;
const servers: http.Server[] = [];

function send(m: unknown): void {
  process.send?.(m);
}

async function listen(server: http.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

process.on('message', (m: any) => {
  void (async () => {
    try {
      if (m.cmd === 'http') {
        const table = new Map<string, { status: number; headers: [string, string][]; body: Buffer }>();
        for (const r of m.routes as Route[]) {
          const body = Buffer.from(r.body, 'base64');
          const headers: [string, string][] = [];
          for (let i = 0; i < r.rawHeaders.length; i += 2) {
            const name = r.rawHeaders[i]!;
            if (!HOP.has(name.toLowerCase())) headers.push([name, r.rawHeaders[i + 1]!]);
          }
          headers.push(['Content-Length', String(body.length)]);
          table.set(r.path, { status: r.status, headers, body });
        }
        const server = http.createServer((req, res) => {
          const hit = table.get(req.url ?? '');
          if (!hit) {
            res.statusCode = 404;
            res.end();
            return;
          }
          res.writeHead(hit.status, hit.headers.flat());
          res.end(hit.body);
        });
        server.keepAliveTimeout = 65_000;
        send({ type: 'listening', port: await listen(server) });
      } else if (m.cmd === 'io') {
        lastStatus = m.status;
        const server = http.createServer();
        io = new Server(server, { serveClient: false, cors: { origin: '*' } });
        io.of('/public').on('connection', (socket) => {
          if (lastStatus) socket.emit('status', lastStatus); // same on-connect behaviour as Beacon
        });
        send({ type: 'listening', port: await listen(server) });
      } else if (m.cmd === 'emit') {
        lastStatus = m.status;
        const t0 = nowMs();
        io!.of('/public').emit('status', m.status);
        send({ type: 'emitted', t0 });
      } else if (m.cmd === 'rss') {
        send({ type: 'rss', kib: rssKiB(process.pid) });
      } else if (m.cmd === 'exit') {
        io?.close();
        for (const s of servers) s.closeAllConnections();
        process.exit(0);
      }
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  })();
});
send({ type: 'ready' });
process.on('disconnect', () => process.exit(0));
