import { createHash } from 'node:crypto';
import type { RedisCommands } from './client';

/**
 * The Lua scripts RedisStore runs. Each touches exactly one key, so each runs
 * on a Redis Cluster as it does on one server: the session key keeps
 * connect-redis's name (`prefix + sid`, no hash tag), and nothing a script
 * does needs a second key in the same slot.
 */

/**
 * A save whose request loaded the session (it has a merge base): written only
 * while the key still holds what the request's base says, all in Redis.
 *
 * ARGV: mine, mode, expected, expiry (seconds; '' for none, <= 0 deletes).
 * mode 'b': `expected` is the data part the request loaded (format/data-part.ts);
 *   the stored text matches when it is `{"cookie":` + a flat cookie + exactly
 *   that data part. A flat cookie (no braces, no backslashes) ends at its only
 *   closing brace, so the match is exact without a JSON parser in Lua.
 * mode 'f': `expected` is a whole stored text the caller merged against.
 *
 * Returns 1 when mine was written, 0 when the session is gone (destroyed or
 * expired: the save is dropped, so a logout is never undone), or the stored
 * text when it does not match: the caller merges with it (format/merge.ts,
 * the one merge rule) and tries again in mode 'f'.
 */
const SAVE_IF_BASE = `
local cur = redis.call('GET', KEYS[1])
if not cur or cur == '' then return 0 end
local expected = ARGV[3]
local same
if ARGV[2] == 'f' then
  same = cur == expected
else
  local n = #cur - #expected
  same = n > 11 and string.sub(cur, 1, 10) == '{"cookie":' and string.sub(cur, n + 1) == expected
    and string.find(string.sub(cur, 11, n), '^{[^{}\\\\]*}$') ~= nil
end
if not same then return cur end
local ttl = tonumber(ARGV[4])
if ttl == nil then redis.call('SET', KEYS[1], ARGV[1])
elseif ttl > 0 then redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
else redis.call('DEL', KEYS[1]) end
return 1
`;

/**
 * Adds a session to its user's index (a set) and keeps the index alive at
 * least as long as that session: ARGV sid, lifetime in ms ('' for a session
 * that never expires, which makes the index persistent too). PTTL rather
 * than PEXPIRETIME, so Redis 6 runs it as well.
 */
const INDEX_ADD = `
local existed = redis.call('EXISTS', KEYS[1])
redis.call('SADD', KEYS[1], ARGV[1])
local ms = tonumber(ARGV[2])
if ms == nil then redis.call('PERSIST', KEYS[1]) return 1 end
local left = redis.call('PTTL', KEYS[1])
if existed == 0 or (left >= 0 and left < ms) then redis.call('PEXPIRE', KEYS[1], ms) end
return 1
`;

/** Deletes the key only while it holds ARGV[1]: removing a corrupt entry never removes a newer write. */
const DELETE_IF_EQUAL = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface Script {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

export const SCRIPTS = {
  saveIfBase: script(SAVE_IF_BASE),
  indexAdd: script(INDEX_ADD),
  deleteIfEqual: script(DELETE_IF_EQUAL),
} as const;

/**
 * Runs a script by its SHA (one small command), sending the source only when
 * the server does not know it yet: after a restart, a failover, or on a
 * cluster node that never ran it.
 */
export async function runScript(client: RedisCommands, which: Script, key: string, args: string[]): Promise<unknown> {
  const options = { keys: [key], arguments: args };
  try {
    return await client.evalSha(which.sha, options);
  } catch (err) {
    if (!String((err as Error | undefined)?.message).startsWith('NOSCRIPT')) throw err;
    return client.eval(which.source, options);
  }
}
