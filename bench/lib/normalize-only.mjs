// "bare Express, req/res normalized": no session, only the V8 shape fix the
// session middleware applies to each request and response it serves
// (src/request/dictionary-mode.ts, used here from the build, so both run the
// same code). That fix removes cost Express itself causes, so a session
// middleware applying it can beat bare Express; measured beside bare Express,
// this contender shows how much of a gain is the fix and how much the
// session layer costs on top of it.
import { requireFromRoot } from './packages.mjs';

export function createNormalizeOnly() {
  const { toDictionaryMode } = requireFromRoot('./dist/request/dictionary-mode.js');
  return function normalizeOnly(req, res, next) {
    toDictionaryMode(req);
    toDictionaryMode(res);
    next();
  };
}
