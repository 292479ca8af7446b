/** ISO-8601 or null: how every presenter writes a timestamp. */
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
