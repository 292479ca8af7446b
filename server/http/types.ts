import type { Actor } from '../domain/context.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      actor?: Actor;
      /** Hash of the console session, when the request came with one. */
      sessionIdHash?: string;
    }
  }
}

export {};
