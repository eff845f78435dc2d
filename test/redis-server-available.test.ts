/**
 * The other Redis suites fail in beforeAll when CI is set and redis-server is
 * missing, which some reporters list only as skipped tests of a failed suite.
 * This one names the cause as a failed test of its own.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { redisServerBinary, skipWithoutRedis } from './helpers/redis-server';

describe.skipIf(skipWithoutRedis)('redis-server for the Redis suites', () => {
  it('is installed and runs', () => {
    expect(redisServerBinary, 'redis-server not found on PATH (CI is set): install the Debian package redis-server').toBeDefined();
    const version = execFileSync(redisServerBinary!, ['--version'], { encoding: 'utf8' });
    expect(version).toMatch(/^Redis server v=\d+\.\d+/);
  });
});
