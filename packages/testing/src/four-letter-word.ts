import net from 'node:net';
import { FourLetterWordError } from './errors.js';

/** Largest four-letter-word answer we buffer (bounded memory). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * Send a ZooKeeper four-letter-word command (`ruok`, `srvr`, `mntr`, `dump`, ...) over a
 * fresh TCP connection and resolve with the server's whole answer.
 *
 * The server must whitelist the command (`4lw.commands.whitelist`); otherwise it answers
 * "... is not executed because it is not in the whitelist."
 *
 * @param host - server host (use `127.0.0.1`)
 * @param port - client port
 * @param cmd - four-letter command, e.g. `'srvr'`
 * @param timeoutMs - bound on the whole exchange (default 2000 ms)
 * @param localAddress - source address to connect from (the namespace harness's control address)
 * @returns the answer text (may be empty if the server closed without answering)
 * @throws {@link FourLetterWordError} `FOUR_LETTER_WORD_TIMEOUT` if no complete answer
 *   arrived in time, `FOUR_LETTER_WORD_FAILED` on connection errors
 */
export function fourLetterWord(host: string, port: number, cmd: string, timeoutMs = 2000, localAddress?: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = net.connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    const finish = (err: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(() => {
      finish(new FourLetterWordError('FOUR_LETTER_WORD_TIMEOUT', `'${cmd}' to ${host}:${port} got no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.end(cmd));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        finish(new FourLetterWordError('FOUR_LETTER_WORD_FAILED', `'${cmd}' answer from ${host}:${port} exceeds ${MAX_ANSWER_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    socket.on('end', () => finish(undefined));
    socket.on('close', () => finish(undefined));
    socket.on('error', (cause: Error) => {
      // A reset after a complete answer still counts as an answer.
      if (size > 0) finish(undefined);
      else finish(new FourLetterWordError('FOUR_LETTER_WORD_FAILED', `'${cmd}' to ${host}:${port} failed: ${cause.message}`, { cause }));
    });
  });
}

/** The `Mode:` line of a `srvr` answer (`standalone`, `leader`, `follower`, `read-only`, ...). */
export function parseMode(srvr: string): string | undefined {
  const m = /^Mode:\s*(\S+)/m.exec(srvr);
  return m?.[1];
}

/** A member's mode by `srvr` (1 s), or undefined when it is stopped, paused or does not answer. */
export async function modeOf(m: { running: boolean; paused: boolean; fourLetterWord(word: string, timeoutMs?: number): Promise<string> }): Promise<string | undefined> {
  if (!m.running || m.paused) return undefined;
  try {
    return parseMode(await m.fourLetterWord('srvr', 1000));
  } catch {
    return undefined;
  }
}
