import { describe, expect, it } from 'vitest';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServiceApp } from '@crisis-ops/service-kit';
import { inProcessServiceConfig } from '@crisis-ops/testing';
import { SERVICE } from './service.definition';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A service stopping while a client's keep-alive connection is busy, as an intake loop keeps it. */
describe('a service stopping while a client keeps its connection busy', () => {
  it('answers the request in flight saying Connection: close, and stops, where it kept the connection for the client to send more and did not stop', async () => {
    const app = await startServiceApp(SERVICE, inProcessServiceConfig('electoral-support'), { port: 0, host: '127.0.0.1', quiet: true });
    const { port } = app.getHttpServer().address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // A request whose body is still coming when the stop begins: its connection is busy then.
      const answered = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/health/live', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        });
        req.on('error', reject);
        req.write('{"slow":');
        void pause(400).then(() => req.end('true}'));
      });
      await pause(150);
      const stopped = app.close().then(() => 'stopped');
      expect((await answered).connection).toBe('close');
      // Kept open, the connection would hold the stop until Node's keep-alive timeout (5 s).
      expect(await Promise.race([stopped, pause(2_500).then(() => 'still running')])).toBe('stopped');
    } finally {
      agent.destroy();
      await app.close().catch(() => undefined);
    }
  });
});
