import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTweet {
  id: string;
  text: string;
  /** in_reply_to_tweet_id, when the tweet is a reply. */
  replyTo?: string;
  authorization: string;
}

type Answer =
  | { kind: 'rate_limit'; reset: number }
  | { kind: 'status'; status: number; body: unknown }
  /** Post the tweet, then drop the connection before answering (a crash between send and record). */
  | { kind: 'drop' };

/**
 * The slice of the Twitter API v2 that `client.v2.tweet(text, { reply })` uses: POST /2/tweets with
 * an OAuth 1.0a header and `{ text, reply? }`, answering 201 `{ data: { id, text } }`. Like Twitter
 * it refuses the same text twice (403), and it can be told to rate limit (429) or fail.
 */
export class FakeTwitter {
  tweets: FakeTweet[] = [];
  requests = 0;
  private queue: Answer[] = [];
  private nextId = 1_860_000_000_000_000_001n;
  private server = http.createServer((req, res) => void this.handle(req, res));
  baseUrl = '';

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  reset(): void {
    this.tweets = [];
    this.requests = 0;
    this.queue = [];
  }

  /** The next `n` requests get 429 with x-rate-limit-reset = `reset` (a Date or epoch seconds). */
  rateLimitNext(n: number, reset: Date | number): void {
    const epoch = typeof reset === 'number' ? reset : Math.floor(reset.getTime() / 1000);
    for (let i = 0; i < n; i++) this.queue.push({ kind: 'rate_limit', reset: epoch });
  }

  /** The next `n` requests get this status and a problem+json body. */
  failNext(n: number, status: number, detail = 'Failed'): void {
    const title = http.STATUS_CODES[status] ?? 'Error';
    for (let i = 0; i < n; i++) this.queue.push({ kind: 'status', status, body: { title, detail, type: 'about:blank', status } });
  }

  /** The next request posts its tweet and then loses the connection without an answer. */
  dropNextResponse(): void {
    this.queue.push({ kind: 'drop' });
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    this.requests++;
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== '/2/tweets') return this.send(res, 404, { title: 'Not Found Error', detail: `No route ${req.method} ${path}`, type: 'about:blank', status: 404 });
    const authorization = String(req.headers.authorization ?? '');
    if (!/^OAuth .*oauth_consumer_key=.*oauth_signature=/.test(authorization)) {
      return this.send(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    }
    const answer = this.queue.shift();
    if (answer?.kind === 'rate_limit') {
      return this.send(res, 429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, {
        'x-rate-limit-limit': '200',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(answer.reset),
      });
    }
    if (answer?.kind === 'status') return this.send(res, answer.status, answer.body);
    let body: { text?: unknown; reply?: { in_reply_to_tweet_id?: unknown } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return this.send(res, 400, { title: 'Invalid Request', detail: 'body is not JSON', type: 'about:blank', status: 400 });
    }
    if (typeof body.text !== 'string' || !body.text) return this.send(res, 400, { title: 'Invalid Request', detail: 'text is required', type: 'about:blank', status: 400 });
    if (this.tweets.some((t) => t.text === body.text)) {
      return this.send(res, 403, { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 });
    }
    const replyTo = body.reply?.in_reply_to_tweet_id;
    if (replyTo !== undefined && !this.tweets.some((t) => t.id === replyTo)) {
      return this.send(res, 400, { title: 'Invalid Request', detail: 'in_reply_to_tweet_id does not exist', type: 'about:blank', status: 400 });
    }
    const tweet: FakeTweet = { id: String(this.nextId++), text: body.text, authorization, ...(replyTo ? { replyTo: String(replyTo) } : {}) };
    this.tweets.push(tweet);
    if (answer?.kind === 'drop') return void req.socket.destroy();
    this.send(res, 201, { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } });
  }
}
