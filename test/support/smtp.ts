import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export type SmtpMode = 'accept' | 'reject550' | 'defer451';

/** A real SMTP server on loopback that parses and keeps every accepted message. */
export interface FakeSmtp {
  port: number;
  url: string;
  messages: ParsedMail[];
  mode: SmtpMode;
  /** Messages whose DATA was received (accepted or not). */
  attempts: number;
  /** The envelope recipient of every accepted message, in arrival order (kept even with parse: false). */
  recipients: string[];
  /** Called after each accepted message (the crash tests pull the plug from here). */
  onAccepted?: (accepted: number) => void;
  close(): Promise<void>;
}

export async function startSmtp(opts: { parse?: boolean } = {}): Promise<FakeSmtp> {
  const fake = { messages: [] as ParsedMail[], mode: 'accept' as SmtpMode, attempts: 0, recipients: [] as string[] } as FakeSmtp;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        fake.attempts += 1;
        if (fake.mode === 'reject550') return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        if (fake.mode === 'defer451') return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        fake.recipients.push(...session.envelope.rcptTo.map((r) => r.address));
        if (opts.parse !== false) fake.messages.push(await simpleParser(Buffer.concat(chunks)));
        else fake.messages.push(null as unknown as ParsedMail);
        callback();
        fake.onAccepted?.(fake.recipients.length);
      });
    },
  });
  // A client killed mid-session resets its connection: that is the client's failure, not the server's.
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.port = (server.server.address() as AddressInfo).port;
  fake.url = `smtp://127.0.0.1:${fake.port}`;
  fake.close = () => new Promise<void>((r) => server.close(() => r()));
  return fake;
}

/** The address a parsed message went to. */
export const recipient = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '';
