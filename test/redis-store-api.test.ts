/**
 * RedisStore's own methods against a real redis-server: what lands in Redis
 * (keys, values, TTLs as connect-redis computes them), the options, both
 * answering forms, and a damaged entry.
 */
import { describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

const HOUR = 3_600_000;

function stored(extra: Record<string, unknown> = {}, expires: Date | null = new Date(Date.now() + HOUR)) {
  return { cookie: { originalMaxAge: expires === null ? null : HOUR, expires, httpOnly: true, path: '/' }, ...extra };
}

function callback<T>(run: (cb: (err: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
}

describe.skipIf(skipWithoutRedis)('RedisStore methods', () => {
  const redis = redisForSuite();
  const storeWith = (options: Partial<ConstructorParameters<typeof session.RedisStore>[0]> = {}) =>
    new session.RedisStore({ client: redis.client, ...options });

  it('is exported as session.RedisStore and by name from the ESM entry, and is one of our Stores', async () => {
    const esm = (await import('../esm/index.mjs')) as unknown as { RedisStore: unknown };
    expect(esm.RedisStore).toBe(session.RedisStore);
    expect(storeWith()).toBeInstanceOf(session.Store);
  });

  it('writes prefix + sid → the JSON with the TTL from the cookie, rounded up to the second', async () => {
    const store = storeWith({ prefix: 'api1:' });
    const data = stored({ views: 3 }, new Date(Date.now() + 90_500));
    await store.set('abc', data);
    expect(await redis.client.get('api1:abc')).toBe(JSON.stringify(data));
    const ttl = await redis.client.ttl('api1:abc');
    expect(ttl).toBeGreaterThanOrEqual(90);
    expect(ttl).toBeLessThanOrEqual(91);
    expect(await store.get('abc')).toEqual(JSON.parse(JSON.stringify(data)));
  });

  it('uses the default prefix sess: and the ttl option (seconds) for a cookie without expires', async () => {
    const store = storeWith({ ttl: 120 });
    await store.set('nocookieexpiry', stored({}, null));
    const ttl = await redis.client.ttl('sess:nocookieexpiry');
    expect(ttl).toBeGreaterThan(115);
    expect(ttl).toBeLessThanOrEqual(120);
    const byDefault = storeWith({ prefix: 'api-default:' });
    await byDefault.set('x', stored({}, null));
    expect(await redis.client.ttl('api-default:x')).toBeGreaterThan(86_390);
  });

  it('takes the lifetime from a ttl function of the session', async () => {
    const store = storeWith({ prefix: 'api-fn:', ttl: (sess) => (sess.admin ? 30 : 300) });
    await store.set('admin', stored({ admin: true }));
    await store.set('user', stored({ admin: false }));
    expect(await redis.client.ttl('api-fn:admin')).toBeLessThanOrEqual(30);
    expect(await redis.client.ttl('api-fn:user')).toBeGreaterThan(290);
  });

  it('deletes instead of writing a session whose cookie already expired, as connect-redis', async () => {
    const store = storeWith({ prefix: 'api-past:' });
    await redis.client.set('api-past:old', JSON.stringify(stored()));
    await store.set('old', stored({}, new Date(Date.now() - 1000)));
    expect(await redis.client.exists('api-past:old')).toBe(0);
  });

  it('a ttl function answering no lifetime (0, NaN) deletes the session, even for a save from a request that loaded it', async () => {
    const store = storeWith({ prefix: 'api-nolife:', ttl: (sess) => (sess.gone ? Number.NaN : 60) });
    await store.set('x', stored({}));
    expect(await redis.client.ttl('api-nolife:x')).toBe(60);
    await store.set('x', stored({ gone: true }));
    expect(await redis.client.exists('api-nolife:x')).toBe(0);
  });

  it('with disableTTL and userKey, the user\'s index set never expires either', async () => {
    const store = storeWith({ prefix: 'api-nottl-user:', disableTTL: true, userKey: 'userId' });
    await store.set('s', stored({ userId: 'ann' }));
    expect(await redis.client.ttl('api-nottl-user:s')).toBe(-1);
    expect(await redis.client.ttl('sess-users:api-nottl-user:"ann"')).toBe(-1);
    expect(await store.idsOf('ann')).toEqual(['s']);
  });

  it('disableTTL writes keys without expiry and makes touch do nothing', async () => {
    const store = storeWith({ prefix: 'api-nottl:', disableTTL: true });
    await store.set('a', stored());
    expect(await redis.client.ttl('api-nottl:a')).toBe(-1);
    await store.touch('a', stored());
    expect(await redis.client.ttl('api-nottl:a')).toBe(-1);
  });

  it('touch restarts the expiry of a stored session, never creates one, and disableTouch turns it off', async () => {
    const store = storeWith({ prefix: 'api-touch:' });
    await store.set('t', stored({}, new Date(Date.now() + 10_000)));
    await store.touch('t', stored({}, new Date(Date.now() + 500_000)));
    expect(await redis.client.ttl('api-touch:t')).toBeGreaterThan(490);
    await store.touch('absent', stored());
    expect(await redis.client.exists('api-touch:absent')).toBe(0);

    const lazy = storeWith({ prefix: 'api-touch:', disableTouch: true });
    await lazy.touch('t', stored({}, new Date(Date.now() + 10_000)));
    expect(await redis.client.ttl('api-touch:t')).toBeGreaterThan(490);
  });

  it('get answers null for an absent session or an empty value; destroy removes it', async () => {
    const store = storeWith({ prefix: 'api-get:' });
    expect(await store.get('none')).toBeNull();
    await redis.client.set('api-get:empty', '');
    expect(await store.get('empty')).toBeNull();
    await store.set('d', stored());
    await store.destroy('d');
    expect(await redis.client.exists('api-get:d')).toBe(0);
    await store.destroy('never-there');
  });

  it('all, ids, length and clear see exactly the sessions under the prefix (SCAN in scanCount batches)', async () => {
    const store = storeWith({ prefix: 'api-list:', scanCount: 3 });
    const other = storeWith({ prefix: 'api-list-other:' });
    await other.set('keep', stored());
    for (let i = 0; i < 10; i++) await store.set(`s${i}`, stored({ i }));
    expect((await store.ids())!.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `s${i}`).sort());
    expect(await store.length()).toBe(10);
    const all = (await store.all())!;
    expect(Object.getPrototypeOf(all)).toBeNull();
    expect(Object.keys(all)).toHaveLength(10);
    expect(all.s7.i).toBe(7);
    await store.clear();
    expect(await store.length()).toBe(0);
    expect(await other.length()).toBe(1);
  });

  it('a prefix with glob characters matches only itself', async () => {
    const store = storeWith({ prefix: 'api*[g]:' });
    await redis.client.set('api-not-mine:x', '{}');
    await store.set('y', stored());
    expect(await store.ids()).toEqual(['y']);
  });

  it('answers through callbacks, once and asynchronously, when given one', async () => {
    const store = storeWith({ prefix: 'api-cb:' });
    let sync = true;
    const done = callback<void>((cb) => store.set('c', stored({ n: 1 }), cb));
    sync = false;
    await done;
    expect(sync).toBe(false);
    expect(store.set('c2', stored(), () => undefined)).toBeUndefined();
    expect(await callback((cb) => store.get('c', cb))).toMatchObject({ n: 1 });
    expect(await callback((cb) => store.length(cb))).toBe(2);
    expect(await callback((cb) => store.ids(cb))).toHaveLength(2);
    await callback<void>((cb) => store.touch('c', stored(), cb));
    await callback<void>((cb) => store.destroy('c', cb));
    await callback<void>((cb) => store.clear(cb));
    expect(await store.length()).toBe(0);
  });

  it('a damaged entry reads as no session: removed, counted and announced, not an error', async () => {
    const store = storeWith({ prefix: 'api-corrupt:' });
    await redis.client.set('api-corrupt:bad', '{"cookie":nope');
    const corrupt = new Promise<{ sid: string; error: { code: string } }>((resolve) => store.once('corrupt', resolve));
    expect(await store.get('bad')).toBeNull();
    const event = await corrupt;
    expect(event.error.code).toBe('ERR_SESSION_CORRUPT');
    expect(event.sid).not.toContain('bad'.repeat(2));
    await expect.poll(() => redis.client.exists('api-corrupt:bad')).toBe(0);
    expect(store.stats().corrupt).toBe(1);
  });

  it('refuses a session ID that is not a string with ERR_SESSION_ID_INVALID', async () => {
    const store = storeWith({ prefix: 'api-sid:' });
    await expect(store.get(42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_SESSION_ID_INVALID' });
  });

  it('without userKey, idsOf and destroyAllOf fail with ERR_SESSION_NO_USER_KEY', async () => {
    const store = storeWith({ prefix: 'api-nouser:' });
    await expect(store.idsOf('u')).rejects.toMatchObject({ code: 'ERR_SESSION_NO_USER_KEY' });
    await expect(store.destroyAllOf('u')).rejects.toMatchObject({ code: 'ERR_SESSION_NO_USER_KEY' });
  });
});

describe('RedisStore options', () => {
  const client = { get() {} } as object;
  const make = (options: unknown) => () => new session.RedisStore(options as ConstructorParameters<typeof session.RedisStore>[0]);

  it.each([
    [undefined, /options must be an object with a client/],
    [{}, /options.client must be a node-redis client/],
    [{ client, prefix: 1 }, /options.prefix must be a string/],
    [{ client, ttl: 'day' }, /options.ttl must be a number of seconds or a function/],
    [{ client, scanCount: 0 }, /options.scanCount must be a positive integer/],
    [{ client, userPrefix: '' }, /options.userPrefix must be a non-empty string/],
    [{ client, prefix: 'a:', userPrefix: 'a:users:' }, /options.userPrefix must not start with options.prefix/],
    [{ client, timeout: -1 }, /options.timeout must be a number of milliseconds/],
    [{ client, prefix: '', userKey: 'userId' }, /options.prefix must not be empty with options.userKey/],
    [{ client, cache: { maxEntries: 1.5 } }, /options.cache must be \{ maxEntries \}/],
  ])('%j is refused with a TypeError naming the option', (options, message) => {
    expect(make(options)).toThrow(TypeError);
    expect(make(options)).toThrow(message);
    try {
      make(options)();
    } catch (err) {
      expect((err as { code?: string }).code).toBe('ERR_SESSION_INVALID_OPTION');
    }
  });

  it('userKey is checked by the rule every store of ours shares', () => {
    expect(make({ client, userKey: 'cookie' })).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        message: 'options.userKey must be a non-empty string naming a session field other than "cookie"',
        code: 'ERR_SESSION_INVALID_OPTION',
      }),
    );
  });
});
