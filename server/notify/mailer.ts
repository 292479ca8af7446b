import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
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

/**
 * One pooled SMTP transport shared by the e-mail channels, created on first use. SMTP 5xx is a
 * permanent failure; 4xx and connection trouble are retried by the dispatcher.
 */
export class Mailer {
  private transport: Transporter | null = null;

  constructor(
    private readonly url: string | undefined,
    readonly from: string,
  ) {}

  get configured(): boolean {
    return Boolean(this.url);
  }

  private pool(): Transporter {
    if (!this.url) throw new Error('SMTP_URL is not set');
    // A loopback relay needs no STARTTLS (and test servers do not offer it).
    const ignoreTLS = LOOPBACK.has(new URL(this.url).hostname);
    this.transport ??= nodemailer.createTransport({ url: this.url, pool: true, maxConnections: 5, maxMessages: Infinity, ignoreTLS });
    return this.transport;
  }

  async send(message: SendMailOptions): Promise<SendResult> {
    try {
      const info = await this.pool().sendMail({ from: this.from, ...message });
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
