import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createIdempotentProducer, createKafka, type KafkaConnection } from '../kafka/kafka-factory';
import { OutboxRelay, type RelayDatabase, type RelayLogger } from './outbox-relay';

/**
 * The outbox relay on a thread of its own. Publishing is kafkajs record encoding, about as much CPU
 * per event as writing the event in the first place; on the request thread it competed with HTTP
 * intake for one event loop (the intake benchmark saw that loop at 95 % while a core stood partly
 * idle). The thread runs an entry of its own that starts telemetry, then calls runRelayThread.
 */
export interface RelayThreadSettings {
  /** The service the relay publishes for (the thread's telemetry is named after it). */
  readonly serviceName: string;
  readonly database: RelayDatabase;
  readonly kafka: KafkaConnection;
  readonly pollMs?: number;
  readonly standbyRetryMs?: number;
  readonly inboxRetentionMs?: number;
}

interface RelayThreadData extends RelayThreadSettings {
  readonly role: 'outbox-relay';
}

type ToThread = { kind: 'flush'; id: number } | { kind: 'stop' };
type FromThread =
  | { kind: 'started' | 'state'; leader: boolean; backlog: number }
  | { kind: 'published'; events: number }
  | { kind: 'flushed'; id: number; error?: string }
  | { kind: 'log'; level: 'log' | 'warn' | 'error'; message: string; stack?: string };

/** Whether this thread was started as a service's outbox relay (its entry then runs runRelayThread). */
export function isRelayThread(): boolean {
  return !isMainThread && (workerData as Partial<RelayThreadData> | undefined)?.role === 'outbox-relay';
}

/**
 * The relay thread's body: one relay with its own Kafka producer, driven by the main thread's
 * messages. `onStop` runs last (a service flushes its spans there, before the thread ends).
 */
export async function runRelayThread(onStop: () => Promise<void> = async () => undefined): Promise<void> {
  const port = parentPort;
  if (!port || !isRelayThread()) throw new Error('runRelayThread runs only on a thread started by ThreadedOutboxRelay');
  const settings = workerData as RelayThreadData;
  const post = (message: FromThread) => port.postMessage(message);
  const logger: RelayLogger = {
    log: (message) => post({ kind: 'log', level: 'log', message }),
    warn: (message) => post({ kind: 'log', level: 'warn', message }),
    error: (message, error) => post({ kind: 'log', level: 'error', message, stack: (error as Error | undefined)?.stack }),
  };
  const producer = createIdempotentProducer(createKafka(settings.kafka));
  await producer.connect();
  const relay = new OutboxRelay({
    database: settings.database,
    producer,
    pollMs: settings.pollMs,
    standbyRetryMs: settings.standbyRetryMs,
    inboxRetentionMs: settings.inboxRetentionMs,
    logger,
    onPublished: (events) => post({ kind: 'published', events }),
  });
  // Leadership and backlog are read synchronously on the main thread (health, metrics): sent as they change.
  let last = '';
  const report = (kind: 'started' | 'state') => {
    const state = { leader: relay.isLeader, backlog: relay.backlog };
    const now = JSON.stringify(state);
    if (kind === 'state' && now === last) return;
    last = now;
    post({ kind, ...state });
  };
  const reporting = setInterval(() => report('state'), 250);
  port.on('message', (message: ToThread) => {
    if (message.kind === 'flush') {
      relay.flush().then(
        () => {
          report('state');
          post({ kind: 'flushed', id: message.id });
        },
        (err: Error) => post({ kind: 'flushed', id: message.id, error: err.message }),
      );
    } else if (message.kind === 'stop') {
      clearInterval(reporting);
      void (async () => {
        await relay.stop();
        await producer.disconnect().catch(() => undefined);
        await onStop().catch(() => undefined);
        port.close();
        // kafkajs and pg may leave timers behind; the thread is done either way.
        process.exit(0);
      })();
    }
  });
  await relay.start();
  report('started');
}

export interface ThreadedOutboxRelayOptions extends RelayThreadSettings {
  /** The script the thread runs: the service's own entry, which calls runRelayThread on that thread. */
  readonly entry: string;
  readonly logger: RelayLogger;
  readonly onPublished?: (events: number) => void;
  /** Wait before starting a thread again after it died (default 5 s). */
  readonly restartMs?: number;
}

/**
 * The main thread's handle on the relay thread, with OutboxRelay's interface. A thread that dies is
 * started again (the advisory lock it held went with its connection, so another replica may have
 * taken over meanwhile: that is the usual failover).
 */
export class ThreadedOutboxRelay {
  private worker?: Worker;
  private leader = false;
  private lastBacklog = 0;
  private stopping = false;
  private nextFlush = 0;
  private readonly flushes = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private restartTimer?: NodeJS.Timeout;

  constructor(private readonly options: ThreadedOutboxRelayOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  get backlog(): number {
    return this.lastBacklog;
  }

  /** Resolves once the thread runs its relay; fails if that first thread ends before, so a service that cannot start its relay does not start. */
  start(): Promise<void> {
    this.stopping = false;
    return new Promise((resolve, reject) => this.spawn({ resolve, reject }));
  }

  /** A thread started again after one ended (`first` unset) is started again as often as it ends. */
  private spawn(first?: { resolve: () => void; reject: (err: Error) => void }): void {
    const { entry, logger: _logger, onPublished: _onPublished, restartMs, ...settings } = this.options;
    const data: RelayThreadData = { role: 'outbox-relay', ...settings };
    const worker = new Worker(entry, { workerData: data });
    this.worker = worker;
    let started = false;
    worker.on('message', (message: FromThread) => {
      if (message.kind === 'started' || message.kind === 'state') {
        this.leader = message.leader;
        this.lastBacklog = message.backlog;
        if (message.kind === 'started') {
          started = true;
          first?.resolve();
        }
      } else if (message.kind === 'published') this.options.onPublished?.(message.events);
      else if (message.kind === 'flushed') this.settleFlush(message.id, message.error);
      else if (message.kind === 'log') this.options.logger[message.level](message.message, message.stack ? Object.assign(new Error(message.message), { stack: message.stack }) : undefined);
    });
    worker.on('error', (err) => this.options.logger.error(`outbox relay thread failed: ${err.message}`, err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.leader = false;
      for (const id of [...this.flushes.keys()]) this.settleFlush(id, `the relay thread ended (exit code ${code})`);
      if (first && !started) {
        first.reject(new Error(`the outbox relay thread ended before it started (exit code ${code})`));
        return;
      }
      if (this.stopping) return;
      const wait = restartMs ?? 5_000;
      this.options.logger.error(`outbox relay thread ended (exit code ${code}); starting it again in ${wait} ms`);
      this.restartTimer = setTimeout(() => this.spawn(), wait);
      this.restartTimer.unref();
    });
  }

  /** Publishes everything committed so far; resolves when the outbox is empty (tests, shutdown). */
  flush(): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the outbox relay thread is not running'));
    const id = ++this.nextFlush;
    return new Promise((resolve, reject) => {
      this.flushes.set(id, { resolve, reject });
      worker.postMessage({ kind: 'flush', id } satisfies ToThread);
    });
  }

  async stop(timeoutMs = 15_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ kind: 'stop' } satisfies ToThread);
    const timer = setTimeout(() => {
      this.options.logger.warn(`outbox relay thread did not stop within ${timeoutMs} ms; terminating it`);
      void worker.terminate();
    }, timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  private settleFlush(id: number, error?: string): void {
    const pending = this.flushes.get(id);
    if (!pending) return;
    this.flushes.delete(id);
    if (error) pending.reject(new Error(error));
    else pending.resolve();
  }
}
