import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { testInfra } from './test-infra';

/** What the proxy does with the clients' connections: forwards them, or plays a broker that is gone. */
export type BrokerProxyMode = 'forward' | 'refuse' | 'cut' | 'silent';

export interface BrokerProxy {
  /** `127.0.0.1:<port>`: give it to a client as its only broker. */
  readonly address: string;
  /**
   * forward: to the test broker. refuse: nothing listens on the proxy's port any more, as on a
   * stopped broker's (connections refused). cut: each new connection is closed as soon as it is made,
   * as a load balancer in front of a stopped broker does. silent: new connections are accepted and
   * read but never answered, as by a broker that hangs. Connections open before a change are cut.
   */
  setMode(mode: BrokerProxyMode): Promise<void>;
  /** Connections clients have open to the proxy now. */
  readonly open: number;
  /** Connections clients have made to the proxy so far (refused ones included). */
  readonly accepted: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of the test broker that a test can take away, where the shared broker must
 * never be stopped: an outage as the clients see it. The broker names itself (host and port) in its
 * Metadata and FindCoordinator answers, and a client connects to the broker so named from then on:
 * the proxy writes its own port there, so every connection of the client, not only the first, goes
 * through it. The proxy listens on the broker's advertised host, so only the port (same length)
 * changes in each answer.
 */
export async function startBrokerProxy(target = testInfra().kafkaBrokers[0]): Promise<BrokerProxy> {
  const [host, portText] = target.split(':');
  const brokerPort = Number(portText);
  let mode: BrokerProxyMode = 'forward';
  let accepted = 0;
  const clients = new Set<Socket>();
  const upstreams = new Set<Socket>();

  const server = createServer((client) => {
    accepted++;
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    if (mode === 'cut' || mode === 'refuse') return void client.destroy();
    // Read and never answered: a socket never read would not see the client close it.
    if (mode === 'silent') return void client.resume();
    const upstream = connect(brokerPort, host);
    upstreams.add(upstream);
    upstream.on('close', () => {
      upstreams.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => undefined);
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.on('data', answers(client));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  const advertised = Buffer.concat([Buffer.from(host), int32(brokerPort)]);
  const proxied = Buffer.concat([Buffer.from(host), int32(port)]);

  /** The broker's answers, passed on whole (size-prefixed frames), with the proxy named in them. */
  function answers(client: Socket) {
    let pending = Buffer.alloc(0);
    return (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = Buffer.from(pending.subarray(0, 4 + pending.readInt32BE(0)));
        pending = pending.subarray(frame.length);
        for (let at = frame.indexOf(advertised); at >= 0; at = frame.indexOf(advertised, at + advertised.length)) proxied.copy(frame, at);
        client.write(frame);
      }
    };
  }

  const cutAll = () => {
    for (const s of [...upstreams, ...clients]) s.destroy();
  };

  return {
    address: `${host}:${port}`,
    async setMode(next) {
      // Whatever the change, the connections made before it go: new ones are made as the mode says.
      mode = next;
      cutAll();
      if (next === 'refuse' && server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      // The same port again: the clients know the broker by it.
      if (next !== 'refuse' && !server.listening) await new Promise<void>((resolve) => server.listen(port, host, resolve));
    },
    get open() {
      return clients.size;
    },
    get accepted() {
      return accepted;
    },
    async close() {
      cutAll();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
