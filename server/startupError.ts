/**
 * Why Beacon could not start, as a one-line message for people and a distinct exit code for
 * supervisors (README "Exit codes"). Codes follow BSD sysexits.h where one fits.
 */
export const EXIT = {
  /** Stopped by SIGTERM/SIGINT, at any moment including start-up. */
  stopped: 0,
  /** PostgreSQL refused, did not answer within the connect timeout, or rejected the login. */
  databaseUnavailable: 69,
  /** The database answered but could not be opened or migrated. */
  databaseFailed: 70,
  /** Another live Beacon holds DATA_DIR. */
  dataDirLocked: 73,
  /** DATA_DIR (or a parent) exists and is not a directory. */
  dataDirNotDirectory: 74,
  /** HOST:PORT is already in use. */
  portInUse: 75,
  /** HOST:PORT cannot be listened on for another reason (permission, address not on this host). */
  cannotListen: 76,
  /** DATA_DIR cannot be created or written. */
  dataDirNotWritable: 77,
  /** Invalid configuration. */
  badConfig: 78,
} as const;

export class StartupError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
