// Moved to format/expiry.ts (issue 21); kept for request/request-session.ts, whose owner rewires it.
export { cookieExpiry } from '../format/expiry';
