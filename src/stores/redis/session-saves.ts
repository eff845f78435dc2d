import type { MergedSave } from './merged-save';

/**
 * Writes a batch of saves of one session; resolves with the text written
 * (undefined: the session is gone and the saves were dropped). `known` is
 * the text the batch before wrote, if any.
 */
export type WriteBatch<S extends MergedSave> = (sid: string, saves: readonly S[], known: string | undefined) => Promise<string | undefined>;

interface Waiting<S> {
  readonly save: S;
  resolve(written: string | undefined): void;
  reject(err: unknown): void;
}

/**
 * The merged saves of one process, one batch per session at a time.
 *
 * Concurrent requests of one browser each save the whole session. Sent side
 * by side, each compare-and-set would find the others' writes and retry, in
 * lockstep, until some gave up. Here a save of a session with no write in
 * flight goes out at once; saves that arrive while one is in flight wait,
 * and go out together as one write when it lands, each merged over the one
 * before (merged-save.ts), with the text just written as the expected one.
 * Every request of the batch is answered when that write is. A burst of
 * requests then costs one round trip per batch, and only other processes'
 * writes can make a batch try again.
 */
export class SessionSaves<S extends MergedSave> {
  private readonly sessions = new Map<string, SessionQueue<S>>();

  constructor(private readonly write: WriteBatch<S>) {}

  save(sid: string, save: S): Promise<string | undefined> {
    let queue = this.sessions.get(sid);
    if (queue === undefined) this.sessions.set(sid, (queue = { waiting: [], writing: false, written: undefined }));
    const session = queue;
    return new Promise((resolve, reject) => {
      session.waiting.push({ save, resolve, reject });
      if (!session.writing) this.flush(sid, session);
    });
  }

  /** Sessions with a write in flight or waiting (for tests and stats). */
  get size(): number {
    return this.sessions.size;
  }

  private flush(sid: string, queue: SessionQueue<S>): void {
    const batch = queue.waiting;
    queue.waiting = [];
    queue.writing = true;
    let written: Promise<string | undefined>;
    try {
      written = this.write(
        sid,
        batch.map((waiting) => waiting.save),
        queue.written,
      );
    } catch (err) {
      written = Promise.reject(err);
    }
    written.then(
      (text) => {
        queue.written = text;
        for (const waiting of batch) waiting.resolve(text);
        this.next(sid, queue);
      },
      (err: unknown) => {
        queue.written = undefined;
        for (const waiting of batch) waiting.reject(err);
        this.next(sid, queue);
      },
    );
  }

  private next(sid: string, queue: SessionQueue<S>): void {
    queue.writing = false;
    if (queue.waiting.length > 0) this.flush(sid, queue);
    else if (this.sessions.get(sid) === queue) this.sessions.delete(sid);
  }
}

interface SessionQueue<S> {
  waiting: Waiting<S>[];
  writing: boolean;
  /** What the last batch wrote (undefined: it was dropped or failed): the next batch's expected text. */
  written: string | undefined;
}
