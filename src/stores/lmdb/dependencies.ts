import { storeDependencyMissing } from '../../errors';

/** The optional peer dependencies LmdbStore needs: lmdb holds the sessions, piscina runs the sweep thread. */
const PEERS = ['lmdb', 'piscina'] as const;

/**
 * lmdb, loaded for a store that is opening. lmdb and piscina are optional
 * peer dependencies, so that an app using only MemoryStore installs neither
 * (lmdb brings native binaries); an app that constructs an LmdbStore without
 * them gets a coded error with the install command, not a bare
 * MODULE_NOT_FOUND. piscina is only located here: it loads on the first sweep.
 */
export function requireLmdb(): typeof import('lmdb') {
  const missing = PEERS.filter((name) => !isInstalled(name));
  if (missing.length > 0) throw storeDependencyMissing(missing, 'not installed');
  // Literal requires in try blocks: a bundler inlines an installed package and leaves an absent one to run time.
  try {
    return require('lmdb') as typeof import('lmdb');
  } catch (cause) {
    // Installed, but its native addon has no build for this platform or Node version.
    throw storeDependencyMissing(['lmdb'], 'installed but failed to load', cause);
  }
}

/** piscina, for the first sweep (requireLmdb checked at construction that it is installed). */
export function requirePiscina(): typeof import('piscina') {
  // In a try block so that a bundler leaves an absent piscina to run time instead of failing the bundle.
  try {
    return require('piscina') as typeof import('piscina');
  } catch (cause) {
    throw storeDependencyMissing(['piscina'], 'installed but failed to load', cause);
  }
}

function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
