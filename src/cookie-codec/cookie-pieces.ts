/**
 * What reading one piece of a Cookie header gives: the verified session ID,
 * undefined when the piece holds the session cookie but it does not verify,
 * or false when the piece holds no session cookie at all.
 */
export type PieceOutcome = string | undefined | false;

/**
 * Reads a Cookie header of any length as a series of pieces of at most
 * `pieceLimit` characters (the kernel's input buffer), each a run of whole
 * pairs, and stops at the first piece that holds the cookie.
 *
 * Why this gives the reference's answer: cookie@0.7 splits the header at
 * every ';' and reads each pair on its own (key up to the first '=', the
 * value up to the ';'), and the first pair with the key wins. Pieces are cut
 * at a ';', so no pair spans two of them, and they are read in order, so the
 * first piece holding the cookie holds its first occurrence. A pair longer
 * than `pieceLimit` becomes a piece of its own (the reader then takes its
 * JavaScript path, still linear). Each character is looked at a bounded
 * number of times: cuts are found by a backward search over characters no
 * earlier search covered.
 */
export function readInPieces(header: string, pieceLimit: number, readPiece: (piece: string) => PieceOutcome): string | undefined {
  const length = header.length;
  let start = 0;
  while (start < length) {
    let end = length;
    if (length - start > pieceLimit) {
      end = header.lastIndexOf(';', start + pieceLimit);
      if (end < start) {
        // One pair longer than a piece: it runs to the next ';'.
        end = header.indexOf(';', start + pieceLimit);
        if (end < 0) end = length;
      }
    }
    const outcome = readPiece(header.slice(start, end));
    if (outcome !== false) return outcome;
    start = end + 1;
  }
  return undefined;
}
