// The one message-wait of the bench's IPC protocol ({ type, ...fields }),
// for child processes and cluster workers alike.

/** Resolves with the next message of `type` from a ChildProcess or cluster Worker. */
export function waitForMessage(channel, type) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message?.type !== type) return;
      channel.off('message', onMessage);
      resolve(message);
    };
    channel.on('message', onMessage);
  });
}
