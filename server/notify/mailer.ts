import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { SendMailOptions, Transporter } from 'nodemailer';
import type { Config } from '../config.js';
import { ROOT } from '../paths.js';
import { easternTime } from '../presenters/times.js';
import type { SendResult } from './channel.js';

// ---- templates: views/emails/<name>.<html|text>.hbs, compiled once per process ----------------

const hb = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();

export function renderEmail(name: string, format: 'html' | 'text', context: Record<string, unknown>): string {
  const key = `${name}.${format}`;
  let template = compiled.get(key);
  if (!template) {
    const source = fs.readFileSync(path.join(ROOT, 'views', 'emails', `${key}.hbs`), 'utf8');
    // Plain text must not be HTML-escaped.
    template = hb.compile(source, { noEscape: format === 'text', strict: false });
    compiled.set(key, template);
  }
  return template(context);
}

/** One instant in UTC and US Eastern, as two strings (staff alerts); subscriber mail uses presenters/times.ts humanTime. */
export function bothZones(d: Date | null | undefined): { utc: string; eastern: string } | null {
  if (!d) return null;
  return { utc: `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`, eastern: easternTime(d) };
}

/** The Message-ID derived from the delivery's idempotency key: a retry after a crash reuses it. */
export const messageIdOf = (idempotencyKey: string) => `<${idempotencyKey.replace(/:/g, '.')}@beacon>`;

// ---- transport -----------------------------------------------------------------------------------

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export interface MailerOptions {
  /** Pooled connections: how many messages are on the wire at once. */
  poolSize: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

/** The SMTP settings of the configuration. */
export function mailerOptions(config: Config): MailerOptions {
  return { poolSize: config.SMTP_POOL_SIZE, connectionTimeoutMs: config.SMTP_CONNECTION_TIMEOUT_MS, greetingTimeoutMs: config.SMTP_GREETING_TIMEOUT_MS, socketTimeoutMs: config.SMTP_SOCKET_TIMEOUT_MS };
}

/**
 * One pooled SMTP transport shared by the e-mail channels, created on first use. SMTP 5xx is a
 * permanent failure; 4xx and connection trouble are retried by the dispatcher. Every wait has a
 * bound (connect, greeting, socket inactivity, and the caller's signal), so a server that accepts
 * and then says nothing costs a retry, never a stuck sender.
 */
export class Mailer {
  private transport: Transporter | null = null;

  constructor(
    private readonly url: string | undefined,
    readonly from: string,
    private readonly options: MailerOptions = { poolSize: 5, connectionTimeoutMs: 10_000, greetingTimeoutMs: 10_000, socketTimeoutMs: 30_000 },
  ) {}

  static fromConfig(config: Config): Mailer {
    return new Mailer(config.SMTP_URL, config.MAIL_FROM, mailerOptions(config));
  }

  get configured(): boolean {
    return Boolean(this.url);
  }

  get poolSize(): number {
    return this.options.poolSize;
  }

  // nodemailer is loaded with the first message: installations without SMTP never pay for it.
  private async pool(): Promise<Transporter> {
    if (!this.url) throw new Error('SMTP_URL is not set');
    // A loopback relay needs no STARTTLS (and test servers do not offer it).
    const ignoreTLS = LOOPBACK.has(new URL(this.url).hostname);
    const o = this.options;
    const nodemailer = (await import('nodemailer')).default;
    this.transport ??= nodemailer.createTransport({
      url: this.url,
      pool: true,
      maxConnections: o.poolSize,
      maxMessages: Infinity,
      ignoreTLS,
      connectionTimeout: o.connectionTimeoutMs,
      greetingTimeout: o.greetingTimeoutMs,
      socketTimeout: o.socketTimeoutMs,
    });
    return this.transport;
  }

  /** `signal` aborts the send (the dispatcher's lease is running out). */
  async send(message: SendMailOptions, signal?: AbortSignal): Promise<SendResult> {
    try {
      // nodemailer ≥ 10 takes a per-message AbortSignal; its types lag behind.
      const info = await (await this.pool()).sendMail({ from: this.from, ...message, ...(signal ? { signal } : {}) } as SendMailOptions);
      return { ok: true, externalId: String(info.messageId ?? message.messageId ?? '') || undefined };
    } catch (err) {
      const e = err as { responseCode?: number; message?: string; code?: string };
      const error = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
      if (typeof e.responseCode === 'number' && e.responseCode >= 500) return { ok: false, error, permanent: true };
      return { ok: false, error };
    }
  }

  close(): void {
    this.transport?.close();
    this.transport = null;
  }
}
