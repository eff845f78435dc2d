import { redisSaveContended } from '../../errors';
import { attemptFor, GONE, WRITTEN, type MergedSave, type SaveAttempt, type SaveReply } from './merged-save';

/** Times one save may be merged again over another process's write before it gives up. */
const MAX_ATTEMPTS = 16;

/** Sessions whose last written text is remembered after their chain drained (the oldest forgotten first). */
const REMEMBERED = 1024;

/** Sends one compare-and-set for `saves` of session `sid` (merged-save.ts). */
export type SendAttempt<S extends MergedSave> = (sid: string, attempt: SaveAttempt, saves: readonly S[]) => Promise<SaveReply>;

interface Waiting<S> {
  readonly save: S;
  /** Attempts of this save that another process's write overtook. */
  overtaken: number;
  resolve(written: string | undefined): void;
  reject(err: unknown): void;
}

/**
 * The merged saves of one process, per session: pipelined while they
 * succeed, regrouped when one is overtaken.
 *
 * Concurrent requests of one browser each save the whole session. Each save
 * goes out at once, expecting the text the save sent before it writes (the
 * chain's tip), so a burst travels in one pipeline and every attempt lands
 * when the one before it did. When another process's write overtakes an
 * attempt, that attempt and every later one in flight miss; their saves then
 * wait for the chain to drain, with the saves arriving meanwhile, and go out
 * together as one attempt, each merged in turn over the text Redis reported.
 * No save of this process can then overtake them again (the cause of "save
 * overtaken 16 times" when each retried alone), and only 16 writes by
 * others landing in between make one give up.
 */
export class SessionSaves<S extends MergedSave> {
  private readonly sessions = new Map<string, Chain<S>>();
  /**
   * What this process last wrote for sessions with nothing in flight: the
   * next burst of such a session starts by expecting it, instead of its
   * request's base, which a request that loaded before that write no longer
   * matches (a wasted round trip). Only an expectation: a wrong one misses and regroups.
   */
  private readonly lastWritten = new Map<string, string>();

  /**
   * `pipelined` false: one attempt per session in flight, the saves that
   * come meanwhile sent together when it is answered (RedisStore's
   * near-cache runs the commands on one key one at a time anyway).
   */
  constructor(
    private readonly send: SendAttempt<S>,
    private readonly pipelined = true,
  ) {}

  /** Resolves with the text written, or undefined when the session is gone (the save is dropped). */
  save(sid: string, save: S): Promise<string | undefined> {
    let chain = this.sessions.get(sid);
    if (chain === undefined) {
      const tip = this.lastWritten.get(sid);
      if (tip !== undefined) this.lastWritten.delete(sid);
      this.sessions.set(sid, (chain = { inFlight: 0, tip, missed: [], latest: undefined }));
    }
    const session = chain;
    return new Promise((resolve, reject) => {
      const waiting: Waiting<S> = { save, overtaken: 0, resolve, reject };
      if (session.missed.length > 0 || (!this.pipelined && session.inFlight > 0)) session.missed.push(waiting);
      else this.sendNow(sid, session, [waiting], session.tip);
    });
  }

  /** Sessions with saves in flight or waiting. */
  get size(): number {
    return this.sessions.size;
  }

  private sendNow(sid: string, chain: Chain<S>, batch: Waiting<S>[], expected: string | undefined): void {
    const saves = batch.map((waiting) => waiting.save);
    let sent: Promise<SaveReply>;
    let attempt: SaveAttempt | undefined;
    try {
      attempt = attemptFor(saves, expected);
      sent = this.send(sid, attempt, saves);
    } catch (err) {
      sent = Promise.reject(err);
    }
    chain.tip = attempt?.text;
    chain.inFlight++;
    sent.then(
      (reply) => this.answered(sid, chain, batch, attempt!, reply),
      (err: unknown) => {
        for (const waiting of batch) waiting.reject(err);
        if (chain.tip === attempt?.text) chain.tip = undefined;
        chain.latest = undefined;
        this.settled(sid, chain);
      },
    );
  }

  private answered(sid: string, chain: Chain<S>, batch: Waiting<S>[], attempt: SaveAttempt, reply: SaveReply): void {
    if (reply === WRITTEN) {
      chain.latest = attempt.text;
      for (const waiting of batch) waiting.resolve(attempt.text);
    } else if (reply === GONE) {
      chain.latest = undefined;
      for (const waiting of batch) waiting.resolve(undefined);
      if (chain.tip === attempt.text) chain.tip = undefined;
    } else {
      // Overtaken: merged again once the attempts in flight behind it (which expected its text) have answered.
      chain.latest = reply;
      for (const waiting of batch) {
        if (++waiting.overtaken >= MAX_ATTEMPTS) waiting.reject(redisSaveContended(MAX_ATTEMPTS));
        else chain.missed.push(waiting);
      }
      // Keeps later saves from joining a chain that is known to miss (save() queues them while missed is not empty).
      if (chain.missed.length === 0) chain.tip = undefined;
    }
    this.settled(sid, chain);
  }

  private settled(sid: string, chain: Chain<S>): void {
    if (--chain.inFlight > 0) return;
    if (chain.missed.length > 0) {
      const batch = chain.missed;
      chain.missed = [];
      this.sendNow(sid, chain, batch, chain.latest);
      return;
    }
    if (this.sessions.get(sid) !== chain) return;
    this.sessions.delete(sid);
    if (chain.latest === undefined) return;
    this.lastWritten.set(sid, chain.latest);
    if (this.lastWritten.size > REMEMBERED) this.lastWritten.delete(this.lastWritten.keys().next().value!);
  }
}

interface Chain<S> {
  /** Attempts sent and not answered. */
  inFlight: number;
  /** The text the last attempt sent writes if it lands: what the next one expects (undefined: nothing known, expect the save's base). */
  tip: string | undefined;
  /** Saves whose attempt was overtaken, and those that came after (or, not pipelined, every save that came meanwhile): sent together once nothing is in flight. */
  missed: Waiting<S>[];
  /** The stored text as of the last answer: what was written, what an overtaken attempt was told of; undefined when gone or unknown. */
  latest: string | undefined;
}
