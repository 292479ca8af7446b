// Child process: holds a share of the websocket clients for the fan-out and soak benchmarks.
// IPC commands from the orchestrator:
//  {cmd:'connect', url, count, localAddress?, concurrency?} → {type:'connected', ok, failed, firstError?, ms}
//  {cmd:'arm', minSeq, timeoutMs} → {type:'received', times:number[], missing}  (epoch ms when each client
//      first saw a `status` event with seq ≥ minSeq; sent once every client has it, or at the timeout)
//  {cmd:'check', seq} → {type:'checked', behind, disconnected, connected}
//  {cmd:'disconnect'} → {type:'disconnected'}
import { io, type Socket } from 'socket.io-client';
import { nowMs } from './lib.js';

interface Client {
  socket: Socket;
  seq: number;
  connected: boolean;
}

const clients: Client[] = [];
let disconnects = 0;
let armed: { minSeq: number; times: number[]; pending: number; done: (partial: boolean) => void } | null = null;

function send(m: unknown): void {
  process.send?.(m);
}

function seqOf(payload: unknown): number {
  const s = (payload as { seq?: unknown } | null)?.seq;
  return typeof s === 'number' ? s : -1;
}

function connectOne(url: string, localAddress: string | undefined): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/public`, {
      transports: ['websocket'],
      reconnection: false,
      timeout: 30_000,
      forceNew: true, // one engine.io connection (one TCP socket) per client, like real browsers
      auth: { announcements: false }, // as the status page connects (public/js/status-live.js)
      ...(localAddress ? { localAddress } : {}),
    } as Parameters<typeof io>[1]);
    const client: Client = { socket, seq: -1, connected: false };
    socket.on('status', (payload: unknown) => {
      const s = seqOf(payload);
      if (s > client.seq) client.seq = s;
      onSeq(client, s);
    });
    socket.once('connect', () => {
      client.connected = true;
      resolve(client);
    });
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
    socket.on('disconnect', () => {
      if (client.connected) disconnects += 1;
      client.connected = false;
    });
  });
}

// Index per client (set when stored) so the hot receive path is O(1).
const indexOf = new WeakMap<Client, number>();
function onSeq(client: Client, s: number): void {
  if (!armed || s < armed.minSeq) return;
  const i = indexOf.get(client);
  if (i === undefined || armed.times[i] !== 0) return;
  armed.times[i] = nowMs();
  armed.pending -= 1;
  if (armed.pending === 0) armed.done(false);
}

async function connectAll(url: string, count: number, localAddress: string | undefined, concurrency: number) {
  const started = nowMs();
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      try {
        const c = await connectOne(url, localAddress);
        indexOf.set(c, clients.length);
        clients.push(c);
        ok += 1;
      } catch (e) {
        failed += 1;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { ok, failed, firstError, ms: nowMs() - started };
}

process.on('message', (m: any) => {
  void (async () => {
    try {
      if (m.cmd === 'connect') {
        const r = await connectAll(m.url, m.count, m.localAddress, m.concurrency ?? 100);
        send({ type: 'connected', ...r });
      } else if (m.cmd === 'arm') {
        const times = new Array<number>(clients.length).fill(0);
        let pending = 0;
        for (let i = 0; i < clients.length; i++) {
          // A client may already hold a newer seq (it cannot, unless the orchestrator mis-armed).
          if (clients[i]!.connected) pending += 1;
          else times[i] = -1;
        }
        const result = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), m.timeoutMs ?? 30_000);
          armed = {
            minSeq: m.minSeq,
            times,
            pending,
            done: (partial) => {
              clearTimeout(timer);
              resolve(partial);
            },
          };
          send({ type: 'armed' });
          if (pending === 0) armed.done(false);
        });
        armed = null;
        const got = times.filter((t) => t > 0);
        send({ type: 'received', times: got, missing: clients.length - got.length, partial: result });
      } else if (m.cmd === 'check') {
        let behind = 0;
        let connected = 0;
        for (const c of clients) {
          if (c.seq < m.seq) behind += 1;
          if (c.connected) connected += 1;
        }
        send({ type: 'checked', behind, connected, disconnected: disconnects, total: clients.length });
      } else if (m.cmd === 'disconnect') {
        for (const c of clients) c.socket.close();
        clients.length = 0;
        disconnects = 0;
        send({ type: 'disconnected' });
      } else if (m.cmd === 'exit') {
        for (const c of clients) c.socket.close();
        process.exit(0);
      }
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
