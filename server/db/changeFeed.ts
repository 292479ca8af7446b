import type pg from 'pg';
import type { Logger } from '../logger.js';

export const CHANGE_CHANNEL = 'beacon_changes';

/**
 * PostgreSQL LISTEN: tells every instance that something changed (the outbox event was fanned out
 * by whichever instance claimed it), so each rebuilds its own snapshot and re-arms its timers.
 * A dropped connection is re-established with backoff, and a reconnect counts as a change
 * (notifications sent while we were away are lost, the rebuild is not).
 */
export class ChangeFeed {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry = 0;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly onChange: (type: string) => void,
  ) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    // A connect timeout: a silent server must end in a retry, not a connect() that never settles.
    const { Client } = (await import('pg')).default;
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
    client.on('notification', (n) => this.onChange(n.payload ?? ''));
    client.on('error', (err) => this.logger.warn({ err: String(err) }, 'change feed connection lost'));
    client.on('end', () => {
      if (this.stopped) return;
      this.client = null;
      const delay = Math.min(250 * 2 ** this.retry++, 10_000);
      setTimeout(() => void this.start().catch(() => {}), delay).unref();
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANGE_CHANNEL}`);
      this.client = client;
      if (this.retry > 0) this.onChange('reconnected');
      this.retry = 0;
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'change feed could not connect; retrying');
      await client.end().catch(() => {});
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => {});
  }
}
