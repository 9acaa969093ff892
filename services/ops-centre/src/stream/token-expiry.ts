import { streamTokenExpiry, type StreamRequest } from './stream-auth';
import type { SseConnection } from './sse-connection';

/** setTimeout's longest delay (about 24.8 days); a token living longer is checked again then. */
const MAX_TIMER_MS = 2_147_483_647;

/** What a stream ended by its token's expiry says last, on /stream and /replay alike. */
export const EXPIRED_EVENT = 'expired';
export const EXPIRED_MESSAGE = { message: 'the access token has expired; reconnect with a new one' } as const;

/**
 * Ends an SSE response (a live stream, a replay) when the token it was opened with stops being
 * accepted (streamTokenExpiry: its `exp` plus the verifier's clock tolerance). Its token is checked
 * once, when it opens, and a response outlives that check: a replay at real speed kept sending
 * history for as long as it lasted, well past the token's end. Then `event: expired` is written at
 * once, ahead of anything queued, and `end` is called, which must drop what is still queued (close,
 * not end, the connection): nothing is sent on an expired token. Returns how to cancel, for a
 * response that ends otherwise first. A token without `exp` never ends its stream.
 */
export function endOnTokenExpiry(req: StreamRequest, conn: Pick<SseConnection, 'sendNow'>, end: () => void): () => void {
  const expiry = streamTokenExpiry(req);
  if (!expiry) return () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = expiry.getTime() - Date.now();
    // Beyond setTimeout's reach (which fires at once for a longer delay): wait as long as it can, then again.
    if (left > MAX_TIMER_MS) {
      timer = setTimeout(arm, MAX_TIMER_MS);
    } else {
      timer = setTimeout(() => {
        conn.sendNow(EXPIRED_EVENT, EXPIRED_MESSAGE);
        end();
      }, Math.max(0, left));
    }
    // Never what keeps a process alive.
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
