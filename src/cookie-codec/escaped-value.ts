/**
 * The last signed cookie value the kernel produced, with its URI-escaped
 * form, so that the Set-Cookie serialiser, which runs right after signing,
 * skips encodeURIComponent (the escaped MAC comes out of the kernel).
 */
let lastValue: string | undefined;
let lastEscaped = '';

export function rememberEscapedValue(value: string, escaped: string): void {
  lastValue = value;
  lastEscaped = escaped;
}

/** `encodeURIComponent(value)`, from the remembered pair when it is the value just signed. */
export function escapeCookieValue(value: string): string {
  return value === lastValue ? lastEscaped : encodeURIComponent(value);
}
