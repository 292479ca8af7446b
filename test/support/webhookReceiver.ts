import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../server/notify/webhookSignature.js';

export interface Hit {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
  valid: boolean;
}

/** A real loopback receiver: verifies each signature and records what arrived. */
export class Receiver {
  hits: Hit[] = [];
  secret = '';
  answer: { status: number; headers?: Record<string, string> } = { status: 204 };
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const valid = verifyWebhook(this.secret, req.headers['x-beacon-timestamp'] as string, raw, req.headers['x-beacon-signature'] as string);
      this.hits.push({ headers: req.headers, raw, body: JSON.parse(raw), valid });
      res.writeHead(this.answer.status, this.answer.headers ?? {}).end();
    });
  });
  url = '';
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }
  close() {
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}
