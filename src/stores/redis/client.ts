/**
 * What RedisStore asks of the client the app passes: a node-redis 5 client
 * (`createClient`) or cluster (`createCluster`). Named by shape, so this
 * package's types never import `redis` (an optional peer dependency): an app
 * without Redis installs and compiles without it.
 */

/** The public face of the client option: any node-redis 5 client or cluster. */
export type RedisClientLike = object;

interface EvalOptions {
  keys: string[];
  arguments: string[];
}

interface SetOptions {
  expiration?: { type: 'EX'; value: number };
}

/** The few commands the store sends, as node-redis 5 spells them. */
export interface RedisCommands {
  readonly isOpen: boolean;
  /** Absent on a cluster; there `isOpen` is all there is. */
  readonly isReady?: boolean;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: SetOptions): Promise<unknown>;
  del(keys: string | string[]): Promise<number>;
  expire(key: string, seconds: number): Promise<number>;
  pTTL(key: string): Promise<number>;
  sMembers(key: string): Promise<string[]>;
  sRem(key: string, members: string[]): Promise<number>;
  evalSha(sha: string, options: EvalOptions): Promise<unknown>;
  eval(script: string, options: EvalOptions): Promise<unknown>;
  scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string[]>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  duplicate(overrides?: object): RedisCommands;
  connect(): Promise<unknown>;
  destroy?(): void;
  /** Cluster only: its master nodes, each scanned through its own client. */
  readonly masters?: readonly unknown[];
  nodeClient?(node: unknown): Promise<RedisCommands>;
}

export function commandsOf(client: RedisClientLike): RedisCommands {
  return client as RedisCommands;
}

export function isCluster(client: RedisCommands): boolean {
  return client.masters !== undefined && typeof client.nodeClient === 'function';
}

/** SCAN's MATCH pattern for keys starting with `prefix`: glob characters in it are escaped, so a prefix matches only itself. */
export function prefixPattern(prefix: string): string {
  return prefix.replace(/[*?[\]\\]/g, '\\$&') + '*';
}

/**
 * Every key starting with `prefix`, on every master of a cluster, in batches
 * of about `count` (SCAN's COUNT): memory holds one batch at a time.
 */
export async function* scanKeys(client: RedisCommands, prefix: string, count: number): AsyncGenerator<string[]> {
  const options = { MATCH: prefixPattern(prefix), COUNT: count };
  if (!isCluster(client)) {
    yield* client.scanIterator(options);
    return;
  }
  for (const master of client.masters!) {
    const node = await client.nodeClient!(master);
    yield* node.scanIterator(options);
  }
}
