import { Inject, Injectable } from '@nestjs/common';
import { AssignerProtocol, type Admin, type GroupDescription, type Kafka } from 'kafkajs';
import { DOMAIN_TOPICS, SERVICES, dlqTopicOf, type ServiceName } from '@crisis-ops/contracts';
import type { ServiceConfig } from '@crisis-ops/config';
import { SERVICE_CONFIG } from '@crisis-ops/service-kit';
import { RedrivenLetters } from './redriven-letters';
import { SYSTEM_VIEW_KAFKA, ViewReads, type StillWanted } from './view-reads';

/** Env variable naming a service's base URL, e.g. EARLY_WARNING_URL. */
export const serviceUrlEnv = (name: string): string => `${name.toUpperCase().replace(/-/g, '_')}_URL`;

/**
 * Base URL of each service: `<NAME>_URL`, else http://127.0.0.1:<default port>; ops-centre itself
 * is asked on the port it listens on.
 */
export function serviceUrls(selfPort: number, env: NodeJS.ProcessEnv = process.env): Record<ServiceName, string> {
  const port = (s: (typeof SERVICES)[number]) => (s.name === 'ops-centre' ? selfPort : s.defaultPort);
  return Object.fromEntries(SERVICES.map((s) => [s.name, env[serviceUrlEnv(s.name)] ?? `http://127.0.0.1:${port(s)}`])) as Record<ServiceName, string>;
}

/** The service that publishes each domain topic's events (and whose name the topic carries). */
const SOURCE_OF_TOPIC: Record<string, ServiceName> = {
  'early-warning.signals.v1': 'early-warning',
  'early-warning.risk.v1': 'early-warning',
  'mediation.processes.v1': 'mediation',
  'electoral-support.elections.v1': 'electoral-support',
  'partnerships.engagements.v1': 'partnerships',
};

export interface ServiceHealth {
  name: string;
  url: string;
  status: 'up' | 'down' | 'unreachable';
  httpStatus: number | null;
  outboxBacklog: number | null;
  /**
   * Letters on the dead-letter topics of the topics this service publishes: events of its that a
   * consumer, of whichever service, could not process and set aside. Not letters this service's own
   * consumer wrote: those are counted against the topic they came from. Null when one of the
   * dead-letter topics could not be read: unknown is not zero.
   */
  deadLettersOfOwnTopics: number | null;
  /**
   * Of those, the letters not redriven and young enough to be: still to deal with. Null when not
   * known (a dead-letter topic or the redrives could not be read; see redrivesUnknown).
   */
  outstandingDeadLettersOfOwnTopics: number | null;
  /**
   * Of those, the letters not redriven whose event is too old to be (over REDRIVE_HORIZON_DAYS since
   * first published): counted apart, no redrive can send them. Null when not known, as outstanding.
   */
  tooOldDeadLettersOfOwnTopics: number | null;
  /** The dead-letter topics counted in deadLettersOfOwnTopics (`<topic>.dlq`). */
  deadLetterTopics: string[];
  /** Whether the service consumes events at all (its definition's `consumesEvents`). */
  consumesEvents: boolean;
  details: unknown;
}

/**
 * The ops engineer's view: health of each service, members and lag of each consumer group (marked
 * when its service consumes nothing by design, so an absent group is not read as a crashed one),
 * outbox backlog (from each service's /health/ready) and dead letters (high − low watermark of each
 * `<topic>.dlq`, counted for the service that publishes the topic's events, whoever's consumer set
 * them aside), and of those the outstanding ones: kept less those recorded as redriven. Each view
 * reads the broker with an admin client of its own, gone once the view has answered (ViewReads).
 */
@Injectable()
export class SystemService {
  private readonly urls: Record<ServiceName, string>;

  constructor(
    @Inject(SYSTEM_VIEW_KAFKA) private readonly kafka: Pick<Kafka, 'admin'>,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    private readonly redriven: RedrivenLetters,
  ) {
    this.urls = serviceUrls(config.port);
  }

  async view() {
    const reads = new ViewReads(this.kafka);
    const [health, groups, dlq] = await Promise.all([this.health(), this.groups(reads), this.dlqCounts(reads)]).finally(() => void reads.close());
    const sum = (counts: Array<number | null>) => counts.reduce<number | null>((n, c) => (n === null || c === null ? null : n + c), 0);
    const services: ServiceHealth[] = health.map((h) => {
      const own = DOMAIN_TOPICS.filter((topic) => SOURCE_OF_TOPIC[topic] === h.name);
      return {
        ...h,
        deadLettersOfOwnTopics: sum(own.map((t) => dlq.kept[t])),
        outstandingDeadLettersOfOwnTopics: sum(own.map((t) => dlq.outstanding[t])),
        tooOldDeadLettersOfOwnTopics: sum(own.map((t) => dlq.tooOld[t])),
        deadLetterTopics: own.map(dlqTopicOf),
      };
    });
    return {
      at: new Date().toISOString(),
      services,
      consumerGroups: groups,
      /** Letters kept per domain topic, redriven or not. */
      deadLetters: dlq.kept,
      /** Letters kept, not redriven and young enough to be, per domain topic: work waiting. */
      outstandingDeadLetters: dlq.outstanding,
      /** Letters kept, not redriven and too old to be, per domain topic: counted apart from the outstanding. */
      tooOldDeadLetters: dlq.tooOld,
      /** Why the outstanding letters are not known (null: they are). */
      redrivesUnknown: dlq.redrivesUnknown,
    };
  }

  private async health(): Promise<Omit<ServiceHealth, 'deadLettersOfOwnTopics' | 'outstandingDeadLettersOfOwnTopics' | 'tooOldDeadLettersOfOwnTopics' | 'deadLetterTopics'>[]> {
    return Promise.all(
      SERVICES.map(async (s) => {
        const url = this.urls[s.name];
        try {
          const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
          const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
          return { name: s.name, url, consumesEvents: s.consumesEvents, status: res.ok ? ('up' as const) : ('down' as const), httpStatus: res.status, outboxBacklog: backlogOf(body), details: body };
        } catch (err) {
          return { name: s.name, url, consumesEvents: s.consumesEvents, status: 'unreachable' as const, httpStatus: null, outboxBacklog: null, details: { error: (err as Error).message } };
        }
      }),
    );
  }

  private async groups(reads: ViewReads) {
    const names = SERVICES.map((s) => s.name);
    let groups: GroupDescription[];
    try {
      ({ groups } = await reads.read('the consumer groups', (admin) => admin.describeGroups(names)));
    } catch (err) {
      // The broker down is when this view is needed most: the groups are unknown, the rest is said.
      const lagError = (err as Error).message;
      return SERVICES.map((s) => ({ groupId: s.name, consumesEvents: s.consumesEvents, state: 'Unknown', members: [], lag: [], totalLag: null, lagError }));
    }
    return Promise.all(
      groups.map(async (g) => {
        const members = g.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost }));
        // The broker calls a group that never had a member Dead, as it does one whose members all went.
        const consumesEvents = SERVICES.find((s) => s.name === g.groupId)?.consumesEvents ?? true;
        try {
          const consumed = await reads.read(`the lag of ${g.groupId}`, (admin, stillWanted) => lagOf(admin, g, stillWanted));
          return { groupId: g.groupId, consumesEvents, state: g.state, members, lag: consumed, totalLag: consumed.reduce((n, l) => n + l.lag, 0), lagError: null };
        } catch (err) {
          // An ops engineer must not read a lag the broker did not give as none.
          return { groupId: g.groupId, consumesEvents, state: g.state, members, lag: [], totalLag: null, lagError: (err as Error).message };
        }
      }),
    );
  }

  /**
   * Letters kept per domain topic, and of those the ones not redriven, young enough (outstanding) or
   * too old to be; null where the dead-letter topic could not be read, or (outstanding, too old) the
   * redrives not yet or no longer: unknown, not zero.
   */
  private async dlqCounts(reads: ViewReads) {
    const kept: Record<string, number | null> = {};
    const outstanding: Record<string, number | null> = {};
    const tooOld: Record<string, number | null> = {};
    const redrives = this.redriven.state();
    await Promise.all(
      DOMAIN_TOPICS.map(async (topic) => {
        const offsets = await reads.read(dlqTopicOf(topic), (admin) => admin.fetchTopicOffsets(dlqTopicOf(topic))).catch(() => null);
        kept[topic] = offsets ? offsets.reduce((n, o) => n + Math.max(0, Number(o.high) - Number(o.low)), 0) : null;
        tooOld[topic] = offsets && redrives.ready ? this.redriven.tooOldOf(dlqTopicOf(topic), offsets) : null;
        outstanding[topic] = offsets && redrives.ready ? (kept[topic] as number) - this.redriven.redrivenOf(dlqTopicOf(topic), offsets) - (tooOld[topic] as number) : null;
      }),
    );
    return { kept, outstanding, tooOld, redrivesUnknown: redrives.ready ? null : redrives.reason };
  }
}

/**
 * Lag per partition of the topics the group consumes: those it has committed offsets on, and those
 * assigned to its members now. A group stuck before its first commit (its database down since it
 * was deployed, a handler failing every batch) has commits nowhere, yet its whole backlog waits.
 */
async function lagOf(admin: Admin, group: GroupDescription, stillWanted: StillWanted) {
  const committed = await admin.fetchOffsets({ groupId: group.groupId, topics: [...DOMAIN_TOPICS] });
  const assigned = assignedTopics(group);
  const out: { topic: string; partition: number; committed: number; end: number; lag: number }[] = [];
  for (const { topic, partitions } of committed) {
    if (!assigned.has(topic) && !partitions.some((p) => Number(p.offset) >= 0)) continue;
    stillWanted();
    const ends = await admin.fetchTopicOffsets(topic);
    for (const e of ends) {
      const c = partitions.find((p) => p.partition === e.partition);
      const at = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(e.low);
      out.push({ topic, partition: e.partition, committed: at, end: Number(e.high), lag: Math.max(0, Number(e.high) - at) });
    }
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** Topics assigned to a group's members; none for a member whose assignment cannot be read. */
function assignedTopics(group: GroupDescription): Set<string> {
  const topics = new Set<string>();
  for (const m of group.members) {
    try {
      const decoded = m.memberAssignment?.length ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
      for (const topic of Object.keys(decoded?.assignment ?? {})) topics.add(topic);
    } catch {
      // Another client's assignment format: its commits still show what it consumes.
    }
  }
  return topics;
}

/** `outbox.backlog` wherever terminus put it (info/details/error), or null. */
function backlogOf(body: Record<string, unknown> | null): number | null {
  if (!body) return null;
  for (const section of ['info', 'error', 'details']) {
    const outbox = (body[section] as Record<string, { backlog?: unknown }> | undefined)?.outbox;
    if (outbox && typeof outbox.backlog === 'number') return outbox.backlog;
  }
  const direct = (body.outbox as { backlog?: unknown } | undefined)?.backlog;
  return typeof direct === 'number' ? direct : null;
}
