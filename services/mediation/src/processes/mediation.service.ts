import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '@crisis-ops/auth';
import { CLOCK, DomainError, type Clock } from '@crisis-ops/domain-kernel';
import { EventPublisher, fingerprintOf } from '@crisis-ops/service-kit';
import {
  decide,
  escalationWarrantsProcess,
  inclusionSummary,
  MEDIATION_ERRORS,
  mayEndProcess,
  mayOpenProcess,
  proposalFor,
  processAnswering,
  processCovers,
  processInclusion,
  responseTimes,
  responseTimeSummary,
  stateAsHeld,
  type Escalation,
  type MediationCommand,
  type ProcessState,
  type ProposeProcess,
  type RiskLevel,
} from '../domain';
import { processRegionOf, UNASSIGNED_REGION } from '../region/region-of';
import { assertMayAct, assertMayRead, GLOBAL_REGION, readableRegions } from './access-policy';
import { contractEventsOf, escalationReferred } from './contract-events';
import { idempotentRequests } from './idempotent-requests';
import { ProcessStore, type ProcessCursor, type ProcessFilter } from './process.store';

export interface ProcessQuery {
  readonly country?: string;
  readonly region?: string;
  readonly status?: ProcessFilter['status'];
}

/** A process id as the process holds it (randomUUID: lower case); a UUID in capitals is the same id. */
const canonicalId = (id: string): string => id.toLowerCase();

/**
 * How many times a command is decided before its conflict is answered (409 CONCURRENT_MODIFICATION).
 * A conflict means another writer committed first (the loser waits on the process row until it has),
 * so each round lets one writer through: five let five commands sent at the same moment all through.
 */
export const COMMAND_ATTEMPTS = 5;

/** Runs commands and reactions: decide on the rebuilt process, store its events and stage their public events in one transaction. */
@Injectable()
export class MediationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: ProcessStore,
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A hand-made proposal. Its region is the country's desk; a country without one is left to global users. */
  async propose(principal: Principal, input: Omit<ProposeProcess, 'type' | 'region' | 'escalation' | 'drivers'>, idempotencyKey?: string): Promise<ProcessState> {
    const region = processRegionOf(input.country);
    if (region === UNASSIGNED_REGION && principal.region !== GLOBAL_REGION) {
      throw new DomainError(MEDIATION_ERRORS.REGION_FORBIDDEN, `${input.country} has no regional desk: only a global user (region global) proposes there`, 'forbidden', { region });
    }
    assertMayAct(principal, region, input.country);
    return this.once(principal, idempotencyKey, fingerprintOf('Propose', null, input), (m) => this.create(m, { ...input, type: 'Propose', region }, principal.subject));
  }

  async execute(principal: Principal, path: string, command: Exclude<MediationCommand, ProposeProcess>, idempotencyKey?: string): Promise<ProcessState> {
    // The id as the process holds it: a retry naming it in capitals is the same request (its fingerprint
    // took the path as sent, and the retry was 422 IDEMPOTENCY_KEY_REUSED), as Postgres finds the same process.
    const processId = canonicalId(path);
    return this.once(principal, idempotencyKey, fingerprintOf(command.type, processId, command), async (m) => {
      // Ending a process changes whether the country has an open process, and opening one what a
      // referral to it says; an escalation reads both under the country lock. Holding it here too,
      // the escalation either refers to this process before it ends or sees it ended and proposes
      // another; without it, one that read the process open just before this committed was referred
      // to a closed process and answered by none (see escalation-policy.ts for the opening). Taken before the process is read (so what is decided on is current) and before its row is
      // locked: every writer takes the country lock first, so nothing deadlocks. Simpler than FOR
      // SHARE on the rows the escalation reads, and ending a process is rare.
      if (mayEndProcess(command) || mayOpenProcess(command)) await this.lockCountry(m, (await this.store.snapshot(m, processId)).country);
      const before = await this.store.load(m, processId);
      assertMayAct(principal, before.region, before.country);
      return this.apply(m, before, command, principal.subject);
    });
  }

  /**
   * Runs a command in one transaction; with an Idempotency-Key, a retry of it answers the first
   * response instead, to a caller who may act on that process now. A key is the subject's, but a
   * subject's token may since have another region: replayed unchecked, the process came back whole to
   * a caller refused a read of it. The response's region is the process's, which never changes.
   *
   * A command that lost the race for the process to another writer (CONCURRENT_MODIFICATION) is run
   * again, up to COMMAND_ATTEMPTS times, on the state that writer left. No client states the version it
   * decided on (the API takes no If-Match nor version field), so the conflict is the server's own: four
   * officers adding four parties at once got one 200 and three 409s telling them to reload what they
   * had never read. Run again, the command is decided afresh on the new state, so what the domain
   * refuses of it there (the same party added twice, a process closed meanwhile) is still refused, with
   * the domain's code. The lost attempt rolled back whole, its Idempotency-Key claim with it: the
   * retry claims the key afresh (or, if a copy of the request claimed it meanwhile, answers the copy's
   * response), so the key is claimed and answered once.
   */
  private async once(principal: Principal, key: string | undefined, fingerprint: string, run: (m: EntityManager) => Promise<ProcessState>): Promise<ProcessState> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(principal, key, fingerprint, run);
      } catch (err) {
        if (attempt >= COMMAND_ATTEMPTS || !(err instanceof DomainError && err.code === MEDIATION_ERRORS.CONCURRENT_MODIFICATION)) throw err;
      }
    }
  }

  private attempt(principal: Principal, key: string | undefined, fingerprint: string, run: (m: EntityManager) => Promise<ProcessState>): Promise<ProcessState> {
    return this.dataSource.transaction((m) =>
      idempotentRequests.once<ProcessState>(
        m,
        { subject: principal.subject, key, fingerprint },
        () => run(m),
        (first) => {
          assertMayAct(principal, first.region, first.country);
          return stateAsHeld(first);
        },
      ),
    );
  }

  async get(principal: Principal, path: string) {
    const processId = canonicalId(path);
    const m = this.dataSource.manager;
    const state = await this.store.snapshot(m, processId);
    assertMayRead(principal, state);
    const history = await this.store.history(m, processId);
    return { ...state, inclusion: processInclusion(state), timeToResponse: responseTimes(state), history };
  }

  /** A page of the processes the caller may read, and the cursor of the next page if any. */
  async list(principal: Principal, query: ProcessQuery, page: { limit: number; after?: ProcessCursor }) {
    return this.store.page(this.dataSource.manager, this.filterOf(principal, query), page.limit, page.after);
  }

  async inclusion(principal: Principal, query: ProcessQuery) {
    return inclusionSummary(await this.store.all(this.dataSource.manager, this.filterOf(principal, query)));
  }

  async timeToResponse(principal: Principal, query: ProcessQuery) {
    return responseTimeSummary(await this.store.all(this.dataSource.manager, this.filterOf(principal, query)));
  }

  private filterOf(principal: Principal, query: ProcessQuery): ProcessFilter {
    const regions = readableRegions(principal, query.region);
    // Another region's country is refused, as one of its processes is (GET /processes/:id), rather
    // than answered with no processes, which reads as none there.
    const countryRegion = query.country ? processRegionOf(query.country) : undefined;
    if (regions && countryRegion && !regions.includes(countryRegion)) assertMayRead(principal, { region: countryRegion, country: query.country });
    return { country: query.country, status: query.status, regions };
  }

  /**
   * A high or critical escalation is referred to an open process covering its area (a national
   * process, or its admin1's: processAnswering), else it proposes one for its area. The
   * handled_escalations row, claimed first, makes any later delivery of the same escalation (under
   * whatever event id) a no-op; the country lock, which commands ending a process take too (execute),
   * makes what is read of the country's open processes hold until commit: the lock is the country's, not
   * the area's, as a national process answers every admin1's escalation.
   */
  async onEscalation(m: EntityManager, escalation: Escalation, eventId: string): Promise<ProcessState | undefined> {
    if (!escalationWarrantsProcess(escalation.level)) return undefined;
    await this.lockCountry(m, escalation.country);
    const claimed: unknown[] = await m.query(
      `INSERT INTO handled_escalations (escalation_id, country, level, event_id, outcome)
       VALUES ($1, $2, $3, $4, 'open-process-exists') ON CONFLICT (escalation_id) DO NOTHING RETURNING escalation_id`,
      [escalation.escalationId, escalation.country, escalation.level, eventId],
    );
    if (claimed.length === 0) return undefined;
    const open = processAnswering(await this.store.openProcesses(m, escalation.country), escalation);
    if (open) {
      await m.query('UPDATE handled_escalations SET process_id = $2 WHERE escalation_id = $1', [escalation.escalationId, open.id]);
      await this.publisher.stage(m, [escalationReferred(escalation, open, this.clock.now())]);
      return undefined;
    }
    const region = processRegionOf(escalation.country);
    const state = await this.create(m, proposalFor(escalation, region), 'system:risk-escalated');
    await m.query(`UPDATE handled_escalations SET outcome = 'proposed', process_id = $2 WHERE escalation_id = $1`, [escalation.escalationId, state.processId]);
    return state;
  }

  /**
   * Recorded on every open process covering the area that fell (processCovers), as those are the
   * processes that answer its escalations: a national process records every fall, an admin1's process
   * its own admin1's alone, not another admin1's nor the country's.
   */
  async onDeescalation(m: EntityManager, d: { escalationId: string; country: string; admin1: string | null; level: RiskLevel; at: string }): Promise<number> {
    await this.lockCountry(m, d.country);
    const open = (await this.store.openProcesses(m, d.country)).filter((p) => processCovers(p, d)).map((p) => p.id);
    for (const id of open) {
      const before = await this.store.load(m, id);
      await this.apply(m, before, { type: 'RecordDeescalation', escalationId: d.escalationId, level: d.level, deescalatedAt: d.at }, 'system:risk-deescalated');
    }
    return open.length;
  }

  /** Held until commit: escalations, de-escalations and commands that end a process of one country run one at a time. */
  private async lockCountry(m: EntityManager, country: string): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mediation:country:${country}`]);
  }

  private async create(m: EntityManager, command: ProposeProcess, actor: string): Promise<ProcessState> {
    const events = decide(null, command, this.context(actor));
    const state = await this.store.append(m, null, events);
    await this.publisher.stage(m, contractEventsOf(events, state));
    return state;
  }

  private async apply(m: EntityManager, before: ProcessState, command: MediationCommand, actor: string): Promise<ProcessState> {
    const events = decide(before, command, this.context(actor));
    const state = await this.store.append(m, before, events);
    await this.publisher.stage(m, contractEventsOf(events, state));
    return state;
  }

  private context(actor: string) {
    return { clock: this.clock, newId: randomUUID, actor };
  }
}
