import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UUID_PATTERN } from '@crisis-ops/domain-kernel';
import { conflict, eventAsHeld, evolve, MEDIATION_ERRORS, processNotFound, rehydrate, stateAsHeld, type MediationEvent, type OpenProcess, type ProcessState, type ProcessStatus } from '../domain';

export interface StoredEvent {
  readonly version: number;
  readonly event: MediationEvent;
  readonly recordedAt: string;
}

export interface ProcessFilter {
  readonly country?: string;
  /** Regions the caller may see; undefined = all. */
  readonly regions?: readonly string[];
  readonly status?: ProcessStatus;
}

/** Where a page of processes ends: the last one's proposal time and id. */
export interface ProcessCursor {
  readonly proposedAt: string;
  readonly id: string;
}

function whereOf(filter: ProcessFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.country) where.push(`country = $${params.push(filter.country)}`);
  if (filter.status) where.push(`status = $${params.push(filter.status)}`);
  if (filter.regions) where.push(`region = ANY($${params.push(filter.regions)})`);
  return { where, params };
}

const UNIQUE_VIOLATION = '23505';

/**
 * Keeps each process as its event history (the source of truth) plus a current-state row and
 * session/agreement projections, all written in the caller's transaction. What it reads back is as
 * the domain holds it now (eventAsHeld, stateAsHeld), whatever an earlier version stored.
 */
@Injectable()
export class ProcessStore {
  async history(m: EntityManager, processId: string): Promise<StoredEvent[]> {
    const rows: Array<{ version: number; payload: MediationEvent; recorded_at: Date }> = await m.query(
      'SELECT version, payload, recorded_at FROM process_events WHERE process_id = $1 ORDER BY version',
      [processId],
    );
    return rows.map((r) => ({ version: r.version, event: eventAsHeld(r.payload), recordedAt: r.recorded_at.toISOString() }));
  }

  /** The process rebuilt from its history; PROCESS_NOT_FOUND if it has none. */
  async load(m: EntityManager, processId: string): Promise<ProcessState> {
    const state = isUuid(processId) ? rehydrate((await this.history(m, processId)).map((h) => h.event)) : null;
    if (!state) throw processNotFound(processId);
    return state;
  }

  /** The current-state snapshot, for reads that need no history. */
  async snapshot(m: EntityManager, processId: string): Promise<ProcessState> {
    const rows: Array<{ state: ProcessState }> = isUuid(processId) ? await m.query('SELECT state FROM processes WHERE id = $1', [processId]) : [];
    if (!rows.length) throw processNotFound(processId);
    return stateAsHeld(rows[0].state);
  }

  /**
   * One page of processes, newest proposal first: `limit` of them after the cursor, and the cursor
   * of the next page if there is one. Ordered by (proposed_at, id), so a page boundary neither skips
   * nor repeats a process proposed at the same instant as another.
   */
  async page(m: EntityManager, filter: ProcessFilter, limit: number, after?: ProcessCursor): Promise<{ items: ProcessState[]; next?: ProcessCursor }> {
    const { where, params } = whereOf(filter);
    if (after) where.push(`(proposed_at, id) < ($${params.push(after.proposedAt)}::timestamptz, $${params.push(after.id)}::uuid)`);
    const rows: Array<{ state: ProcessState; proposed_at: Date; id: string }> = await m.query(
      `SELECT state, proposed_at, id FROM processes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY proposed_at DESC, id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    );
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items: rows.slice(0, limit).map((r) => stateAsHeld(r.state)), next: last ? { proposedAt: new Date(last.proposed_at).toISOString(), id: last.id } : undefined };
  }

  /** Every process the filter admits (the measures summarise all of them, not a page). */
  async all(m: EntityManager, filter: ProcessFilter): Promise<ProcessState[]> {
    const { where, params } = whereOf(filter);
    const rows: Array<{ state: ProcessState }> = await m.query(`SELECT state FROM processes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY proposed_at DESC, id DESC`, params);
    return rows.map((r) => stateAsHeld(r.state));
  }

  /**
   * The country's processes not yet concluded or closed, with the area each covers and whether each
   * has been opened: opened ones first, then by age (which of them answers an escalation is
   * processAnswering's to say).
   */
  async openProcesses(m: EntityManager, country: string): Promise<OpenProcess[]> {
    const rows: Array<{ id: string; admin1: string | null; status: string }> = await m.query(
      `SELECT id, admin1, status FROM processes WHERE country = $1 AND status IN ('proposed', 'active', 'suspended') ORDER BY status = 'proposed', proposed_at`,
      [country],
    );
    return rows.map((r) => ({ id: r.id, admin1: r.admin1, opened: r.status !== 'proposed' }));
  }

  /**
   * Appends events decided on `before` (null for a new process). A concurrent writer that got
   * there first makes this fail with MEDIATION.CONCURRENT_MODIFICATION (the history's primary key
   * and the version check both guard it); MediationService then decides the command again on the
   * new state.
   */
  async append(m: EntityManager, before: ProcessState | null, events: readonly MediationEvent[]): Promise<ProcessState> {
    if (!m.queryRunner?.isTransactionActive) throw new Error('ProcessStore.append needs a transaction');
    const after = events.reduce<ProcessState | null>(evolve, before) as ProcessState;
    try {
      if (before === null) {
        await m.query(
          `INSERT INTO processes (id, country, admin1, region, track, lead, status, outcome, status_reason, escalation_id,
             escalated_at, proposed_at, activated_at, first_session_at, ended_at, state, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
          [
            after.processId, after.country, after.admin1, after.region, after.track, after.lead, after.status, after.outcome,
            after.statusReason, after.escalation?.escalationId ?? null, after.escalation?.escalatedAt ?? null, after.proposedAt,
            after.activatedAt, after.firstSessionAt, after.endedAt, JSON.stringify(after), after.version,
          ],
        );
      } else {
        const updated = await m.query(
          `UPDATE processes SET status = $3, outcome = $4, status_reason = $5, activated_at = $6, first_session_at = $7,
             ended_at = $8, state = $9, version = $10, updated_at = now()
           WHERE id = $1 AND version = $2 RETURNING id`,
          [
            after.processId, before.version, after.status, after.outcome, after.statusReason, after.activatedAt,
            after.firstSessionAt, after.endedAt, JSON.stringify(after), after.version,
          ],
        );
        if (affected(updated) === 0) throw concurrentModification(after.processId);
      }
      let version = before?.version ?? 0;
      for (const event of events) {
        version += 1;
        await m.query(
          'INSERT INTO process_events (process_id, version, type, payload, actor, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [after.processId, version, event.type, JSON.stringify(event), event.actor, event.at],
        );
        await this.project(m, event, after);
      }
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION && /process_events_pkey|processes_pkey/.test(String((err as { constraint?: string }).constraint))) {
        throw concurrentModification(after.processId);
      }
      throw err;
    }
    return after;
  }

  private async project(m: EntityManager, event: MediationEvent, after: ProcessState): Promise<void> {
    if (event.type === 'TalksConvened') {
      const s = event.session;
      // Rounds follow when sessions were held (roundHeldAt): one held before others recorded takes its
      // place among them. Their rounds are set aside (negated) first, as (process_id, round) is unique
      // row by row; the new session's round is then the only positive one, and the process's numbering
      // a permutation that no other row's holds.
      await m.query('UPDATE sessions SET round = -round WHERE process_id = $1', [event.processId]);
      const delegates = s.participants.reduce((n, p) => n + p.count, 0);
      const women = s.participants.filter((p) => p.gender === 'female').reduce((n, p) => n + p.count, 0);
      const youth = s.participants.filter((p) => p.ageGroup === 'youth').reduce((n, p) => n + p.count, 0);
      await m.query(
        `INSERT INTO sessions (id, process_id, round, held_at, place, delegates, women, youth, participants, party_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [s.sessionId, event.processId, s.round, s.heldAt, s.place, delegates, women, youth, JSON.stringify(s.participants), JSON.stringify(s.partyIds)],
      );
      await m.query(
        'UPDATE sessions s SET round = v.round FROM unnest($2::uuid[], $3::int[]) AS v(id, round) WHERE s.process_id = $1 AND s.id = v.id AND s.round <> v.round',
        [event.processId, after.sessions.map((x) => x.sessionId), after.sessions.map((x) => x.round)],
      );
    } else if (event.type === 'AgreementReached') {
      const a = event.agreement;
      await m.query(
        `INSERT INTO agreements (id, process_id, kind, title, signed_at, gender_provisions, youth_provisions, provisions, signatories)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          a.agreementId, event.processId, a.kind, a.title, a.signedAt,
          a.provisions.filter((p) => p.addressesGender).length, a.provisions.filter((p) => p.addressesYouth).length,
          JSON.stringify(a.provisions), JSON.stringify(a.signatories),
        ],
      );
    }
  }
}

const concurrentModification = (processId: string) =>
  conflict(MEDIATION_ERRORS.CONCURRENT_MODIFICATION, `process ${processId} was changed by someone else; reload and retry`, { processId });

/** TypeORM answers an UPDATE with [rows, count] on Postgres, and with rows elsewhere. */
function affected(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[1];
  return Array.isArray(result) ? result.length : 0;
}

const isUuid = (id: string) => UUID_PATTERN.test(id);
