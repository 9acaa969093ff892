import type { Admin, Kafka } from 'kafkajs';
import type { ServiceConfig } from '@crisis-ops/config';
import { DOMAIN_TOPICS } from '@crisis-ops/contracts';
import { createBoundedKafka } from '@crisis-ops/messaging';

/** How long the view waits for the broker on each read before it says it does not know. */
export const BROKER_ANSWER_MS = 5_000;

/** The Kafka client the system view reads the broker with (systemViewKafka). */
export const SYSTEM_VIEW_KAFKA = Symbol('SYSTEM_VIEW_KAFKA');

/**
 * The system view's client: its requests time out after BROKER_ANSWER_MS and are not retried, so a
 * read given up on ends then too. On the service's shared client (30 s per request, then retries for
 * about 47 s) a read given up on went on in the background, and an engineer refreshing the view
 * every few seconds through an outage piled up reads, and connection attempts, on the broker.
 */
export function systemViewKafka(config: Pick<ServiceConfig, 'service' | 'kafkaBrokers'>): Kafka {
  return createBoundedKafka({ clientId: `${config.service}-system-view`, brokers: config.kafkaBrokers }, BROKER_ANSWER_MS);
}

/** Called between the steps of a read: throws once nobody waits for its answer any more. */
export type StillWanted = () => void;

/**
 * The broker reads of one view, on an admin client of their own, disconnected as soon as the view
 * has answered (close) and again once every read it began has settled: a connect that completed
 * after the first disconnect would otherwise stay open. A read given up on, or whose view has
 * answered, begins no further request (StillWanted).
 */
export class ViewReads {
  private readonly admin: Admin;
  private connected?: Promise<unknown>;
  private readonly begun: Promise<unknown>[] = [];
  private closed = false;

  constructor(kafka: Pick<Kafka, 'admin'>) {
    this.admin = kafka.admin();
  }

  /** `read` on the view's client, or a failure naming `what` once BROKER_ANSWER_MS have passed. */
  read<T>(what: string, read: (admin: Admin, stillWanted: StillWanted) => Promise<T>): Promise<T> {
    let abandoned = false;
    const stillWanted = () => {
      if (abandoned || this.closed) throw new Error(`${what}: given up on`);
    };
    // The topics' metadata first: with no retries, the brokers a group coordinator may be are known
    // before it is looked up, where kafkajs otherwise learns them by failing once and retrying.
    this.connected ??= this.admin.connect().then(() => this.admin.fetchTopicMetadata({ topics: [...DOMAIN_TOPICS] }));
    const work = this.connected.then(() => {
      stillWanted();
      return read(this.admin, stillWanted);
    });
    this.begun.push(work.catch(() => undefined));
    return answeredWithin(work, what).catch((err: unknown) => {
      abandoned = true;
      throw err;
    });
  }

  /** The view has answered: nothing more is asked, and the client goes. Not awaited by the view. */
  close(): Promise<void> {
    this.closed = true;
    const disconnect = () => this.admin.disconnect().catch(() => undefined);
    void disconnect();
    return Promise.all(this.begun).then(disconnect);
  }
}

/**
 * `read`, or a failure naming `what` once BROKER_ANSWER_MS have passed. kafkajs retries a broker out
 * of reach for about 47 s, and the whole view failed with a 500 after it.
 */
function answeredWithin<T>(read: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: the broker did not answer within ${BROKER_ANSWER_MS / 1000} s`)), BROKER_ANSWER_MS);
  });
  return Promise.race([read, late]).finally(() => clearTimeout(timer));
}
