import type { Actor, CommittedEvent } from '../domain/context.js';
import type { SignInMethod } from '../domain/staff/signInMethods.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      actor?: Actor;
      /** Set for writes (app.ts): fans the outbox out as soon as a transaction commits. */
      onCommit?: (events: readonly CommittedEvent[]) => void;
      /** Hash of the console session, when the request came with one. */
      sessionIdHash?: string;
      /** Public id of that console session (the "Security" page marks it as this one). */
      sessionId?: string;
      /** How that console session was opened. */
      signInMethod?: SignInMethod;
    }
  }
}

export {};
