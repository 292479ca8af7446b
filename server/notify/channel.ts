/** An outbox event as channels see it. */
export interface OutboxEvent {
  id: number;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** One file per channel, one contract: say which events it takes, deliver one. */
export interface Channel {
  name: string;
  accepts(event: OutboxEvent): boolean;
  deliver(event: OutboxEvent): Promise<void>;
}
