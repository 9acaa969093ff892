import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Ends keep-alive connections once the service is stopping. Closing the HTTP server stops new
 * connections only: a client that keeps its connection busy (an intake loop on one keep-alive
 * socket) was answered on it for as long as it sent, so a stop never finished, and `npm stop` or
 * an orchestrator killed the process mid-request after its grace period. From the moment shutdown
 * begins (before the server is closed), every answer written says `Connection: close`, those to
 * requests already in flight included, and Node closes the connection once it is written.
 */
@Injectable()
export class HttpDrain implements BeforeApplicationShutdown {
  private draining = false;

  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  readonly middleware = (_req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    // Decided when the answer's head is written, not when the request came: a request in flight
    // when shutdown begins is answered, and its connection closed after.
    const writeHead = res.writeHead;
    res.writeHead = ((...args: Parameters<ServerResponse['writeHead']>) => {
      if (this.draining && !res.headersSent) res.setHeader('Connection', 'close');
      return writeHead.apply(res, args);
    }) as ServerResponse['writeHead'];
    next();
  };
}
