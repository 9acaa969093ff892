import { maxHeaderSize, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a refused connection may go on sending what it had started before it is closed. */
const GRACE_MS = 1_000;

/** Node's own answers to the other request errors its parser raises (_http_server.js), kept as they were. */
const NODE_STATUS_LINE: Record<string, string> = {
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

function headersTooLarge(limit: number): string {
  const reason = `are over the ${limit} bytes the service reads (all request headers together)`;
  const body = JSON.stringify({ code: 'REQUEST.HEADERS_TOO_LARGE', message: `headers: ${reason}`, errors: [{ field: 'headers', reason }] });
  return [
    'HTTP/1.1 431 Request Header Fields Too Large',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Answers a request Node's HTTP parser refuses before any route sees it. Request headers over Node's
 * limit (a 20 kB bearer token) got Node's own 431 with an empty body, which a client cannot tell from
 * a proxy's refusal: it is now the platform's error body, 431 REQUEST.HEADERS_TOO_LARGE naming the
 * headers. Other parse errors get Node's own answer, as before.
 */
export function answerClientErrors(server: Server): void {
  const limit = (server as { maxHeaderSize?: number }).maxHeaderSize ?? maxHeaderSize;
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex & { _httpMessage?: { _headerSent?: boolean } | null }) => {
    // The parser raises again for each further chunk of the request: answered once.
    if (answered.has(socket)) return;
    answered.add(socket);
    // Nothing may be written into a response already under way on this (kept-alive) connection: as
    // Node, only when no response is in flight or none of it has been sent.
    if (!socket.writable || socket._httpMessage?._headerSent) {
      socket.destroy();
      return;
    }
    if (error.code === 'HPE_HEADER_OVERFLOW') {
      // Ended, not destroyed at once: with the rest of the headers still unread, a reset could reach
      // the client before the answer; what it goes on sending is read (and dropped) until the grace ends.
      socket.end(headersTooLarge(limit));
      const close = setTimeout(() => socket.destroy(), GRACE_MS);
      close.unref();
      socket.once('close', () => clearTimeout(close));
      return;
    }
    socket.write(`HTTP/1.1 ${NODE_STATUS_LINE[error.code ?? ''] ?? '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
    socket.destroy(error);
  });
}
