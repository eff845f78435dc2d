import { trackerOf } from '../session/tracker-link';

/**
 * The merge base of an explicit `req.session.save()` reaching our store's
 * `set()`: Session#save reports to the request's change tracker first, which
 * keeps the data this request loaded (or last saved). Undefined (a plain
 * upsert) for anything else: a generated session, a direct `store.set()`.
 */
export function explicitSaveBase(session: object): string | undefined {
  const req = (session as { req?: object } | null)?.req;
  return trackerOf(req)?.takeSaveBase(session);
}
