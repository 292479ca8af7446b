import { ConfigError, loadConfig, type Config } from '../config.js';

/** Declared with this type at the call site, so TypeScript knows nothing runs after a failure. */
export type Fail = (message: string, code?: number) => never;

/** A command's way out: one line on stderr, prefixed with the command's name, and an exit code. */
export function failWith(command: string): Fail {
  return (message, code = 1) => {
    process.stderr.write(`${command}: ${message}\n`);
    process.exit(code);
  };
}

/** The validated configuration, or exit 78 with the message naming the bad variable. */
export function configOrExit(fail: Fail): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message, 78);
    throw e;
  }
}
