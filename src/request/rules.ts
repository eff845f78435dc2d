import { debug } from '../debug';
import type { Session, SessionRequest } from '../session/session';

/**
 * express-session's four decisions at the end of a response, under its own
 * names, as pure functions of the request's state and the options.
 */

/** What the rules read: the request, the ID its cookie carried, the change tracker's answers, the options. */
export interface RuleInput {
  readonly req: SessionRequest;
  /** The verified ID the request's cookie carried, if any. */
  readonly cookieId: string | undefined;
  readonly options: { readonly saveUninitialized: boolean; readonly rolling: boolean; readonly unsetDestroy: boolean };
  /** The data part as last saved in this request (or loaded, with resave off); undefined when never. */
  readonly savedData: string | undefined;
  isModified(sess: Session): boolean;
  isSaved(sess: Session): boolean;
}

function hasUsableId(req: SessionRequest): boolean {
  if (typeof req.sessionID === 'string') return true;
  debug('session ignored because of bogus req.sessionID %o', req.sessionID);
  return false;
}

export function shouldSave(input: RuleInput, sess: Session): boolean {
  const req = input.req;
  if (!hasUsableId(req)) return false;
  return !input.options.saveUninitialized && input.savedData === undefined && input.cookieId !== req.sessionID
    ? input.isModified(sess)
    : !input.isSaved(sess);
}

export function shouldTouch(input: RuleInput, sess: Session): boolean {
  if (!hasUsableId(input.req)) return false;
  return input.cookieId === input.req.sessionID && !shouldSave(input, sess);
}

export function shouldSetCookie(input: RuleInput, sess: Session): boolean {
  const req = input.req;
  if (typeof req.sessionID !== 'string') return false;
  return input.cookieId !== req.sessionID
    ? input.options.saveUninitialized || input.isModified(sess)
    : input.options.rolling || (sess.cookie.expires != null && input.isModified(sess));
}

export function shouldDestroy(input: RuleInput): boolean {
  return Boolean(input.req.sessionID) && input.options.unsetDestroy && input.req.session == null;
}
