/** Does nothing: the callback for a call whose answer nobody waits for. */
export function noop(): void {}
