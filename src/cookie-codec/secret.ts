import type { BinaryLike, KeyObject } from 'node:crypto';

/** Anything `crypto.createHmac` accepts as a key. */
export type SecretKey = BinaryLike | KeyObject;
