import { signWebhook } from './webhookSignature.js';

export interface WebhookMessage {
  /** The delivery's idempotency key (or a fresh id for a ping): receivers dedupe on it. */
  id: string;
  type: string;
  created_at: string;
  data: Record<string, unknown>;
}

export interface WebhookAnswer {
  /** HTTP status, or null when no answer came (network error, timeout). */
  status: number | null;
  ok: boolean;
  responseMs: number;
  retryAfter: string | null;
  error?: string;
}

/**
 * One signed POST of a message to an endpoint; never throws. Slack and Teams endpoints get the
 * message formatted for them (`content`); the headers still name the delivery, for tracing.
 */
export async function postWebhook(endpoint: { url: string; secret: string }, message: WebhookMessage, now: Date, timeoutMs: number, content: unknown = message): Promise<WebhookAnswer> {
  const body = JSON.stringify(content);
  const timestamp = Math.floor(now.getTime() / 1000);
  const started = performance.now();
  try {
    const res = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Beacon-Webhooks/1',
        'X-Beacon-Event': message.type,
        'X-Beacon-Delivery': message.id,
        'X-Beacon-Timestamp': String(timestamp),
        'X-Beacon-Signature': signWebhook(endpoint.secret, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => {});
    return { status: res.status, ok: res.status >= 200 && res.status < 300, responseMs: Math.round(performance.now() - started), retryAfter: res.headers.get('retry-after') };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const error = e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (e.cause?.code ?? e.message ?? String(err));
    return { status: null, ok: false, responseMs: Math.round(performance.now() - started), retryAfter: null, error };
  }
}

/** Retry-After as seconds or an HTTP date → the instant to come back; null when absent or unreadable. */
export function retryAfterAt(value: string | null, now: Date): Date | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return new Date(now.getTime() + Number(value.trim()) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : new Date(Math.max(at, now.getTime()));
}
