import { z } from 'zod';
import { DomainError } from '../domain/errors.js';

/**
 * Parses input with a zod schema; failures become a 400 naming each field. Use `z.strictObject`
 * so unknown fields are rejected rather than silently ignored.
 */
export function parse<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys : [];
    const field = [...i.path.map(String), ...keys].join('.') || '(body)';
    return { field, message: i.code === 'unrecognized_keys' ? 'is not a known field' : i.message };
  });
  const first = fields[0]!;
  throw new DomainError('invalid', 'validation_failed', `${first.field}: ${first.message}`, { fields });
}

export const uuidParam = z.string().uuid('must be an id');
export const isoDate = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 timestamp with a zone' }).transform((s) => new Date(s));
