// Template text is staff-written, so it is never compiled as a template language: only these two
// literal placeholders are replaced, and the values inserted are plain text (escaped on output).

export interface PlaceholderValues {
  /** Names of the components the incident or update concerns. */
  components: string[];
  /** The time as people read it (presenters/times.ts humanTime). */
  time: string;
}

const PLACEHOLDER = /\{\{\s*(components|time)\s*\}\}/g;

/** "A", "A and B", "A, B and C"; no components reads "our services". */
export function componentList(names: string[]): string {
  if (!names.length) return 'our services';
  if (names.length === 1) return names[0]!;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Replaces `{{components}}` and `{{time}}`; anything else (other braces too) stays as written. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  // A replacer function, so `$&`-style patterns in names are inserted literally.
  return text.replace(PLACEHOLDER, (_m, key: string) => (key === 'time' ? values.time : componentList(values.components)));
}
