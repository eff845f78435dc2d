// The per-request store work that the store micro benchmarks time: sessions
// shaped like a small app's, and get → change a field → set round trips over
// them through the callback API, in batches so tinybench's per-call overhead
// stays small next to the work.

const DAY = 86_400_000;

/** A session as a small app keeps it: the cookie with an expiry, a user, a counter, a cart. */
export const sessionOf = (i) => ({
  cookie: { originalMaxAge: DAY, expires: new Date(Date.now() + DAY), secure: false, httpOnly: true, path: '/', sameSite: 'lax' },
  user: { id: i, name: `user-${i}`, roles: ['reader'] },
  views: i % 100,
  cart: [{ sku: 'A-1', qty: 2 }],
});

/**
 * @param {{ prefix: string, sessions: number, batch: number }} plan IDs are `prefix` + base-36 index padded to 32
 *   characters (as long as the default generator's); the round trips walk them in turn.
 */
export function storeRoundTrips({ prefix, sessions, batch }) {
  const sidOf = (i) => `${prefix}${i.toString(36)}`.padEnd(32, '_');
  let cursor = 0;
  const nextSid = () => sidOf((cursor = (cursor + 1) % sessions));

  /** One request's store work through callbacks: get, change a field, set. */
  const roundTrip = (store) =>
    new Promise((resolve, reject) => {
      const sid = nextSid();
      store.get(sid, (err, sess) => {
        if (err || !sess) return reject(err ?? new Error(`lost ${sid}`));
        sess.views++;
        store.set(sid, sess, (err2) => (err2 ? reject(err2) : resolve()));
      });
    });

  return {
    sidOf,
    nextSid,
    /** `batch` round trips, one at a time. */
    sequential: (store) => async () => {
      for (let i = 0; i < batch; i++) await roundTrip(store);
    },
    /** `batch` round trips in flight at once. */
    concurrent: (store) => () => Promise.all(Array.from({ length: batch }, () => roundTrip(store))),
  };
}
