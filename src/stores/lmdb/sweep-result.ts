/**
 * What one sweep pass did. In a file of its own because it is part of the
 * public types (LmdbStore's 'sweep' event): the modules that run the sweep
 * import lmdb's typings, which must stay out of the declarations an app
 * compiles against (they fail under `skipLibCheck: false` with ESM output).
 */
export interface LmdbSweepResult {
  /** Expiry records looked at. */
  scanned: number;
  /** Expired sessions removed. */
  removed: number;
}
