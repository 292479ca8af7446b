import fs from 'node:fs';
import path from 'node:path';

// A preload (`NODE_OPTIONS=--import <file>`) that records every package the process loads from
// node_modules (ESM and CommonJS entry points alike) in LOADED_PACKAGES_FILE, one name a line.
const HOOK = `
import { register } from 'node:module';
const file = process.env.LOADED_PACKAGES_FILE;
register('data:text/javascript,' + encodeURIComponent(\`
  import fs from 'node:fs';
  export async function load(url, context, next) {
    const m = /node_modules\\\\/((?:@[^/]+\\\\/)?[^/]+)\\\\//.exec(url);
    if (m) fs.appendFileSync(\${JSON.stringify(file)}, m[1] + '\\\\n');
    return next(url, context);
  }\`));
`;

/** Writes the preload into `dir`; returns the environment that installs it and a reader of what was loaded. */
export function recordLoadedPackages(dir: string): { env: Record<string, string>; loaded(): string[] } {
  const hook = path.join(dir, 'hook.mjs');
  const file = path.join(dir, 'loaded.txt');
  fs.writeFileSync(hook, HOOK);
  return {
    env: { NODE_OPTIONS: `--import ${hook}`, LOADED_PACKAGES_FILE: file },
    loaded: () => [...new Set(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean))],
  };
}
