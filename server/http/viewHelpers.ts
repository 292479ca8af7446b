// Handlebars helpers shared by every page. Handlebars escapes {{ }} output; nothing here returns raw HTML.
export const helpers = {
  eq: (a: unknown, b: unknown) => a === b,
  json: (v: unknown) => JSON.stringify(v),
  iso: (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : ''),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  not: (v: unknown) => !v,
};
