import type { EntityManager } from 'typeorm';
import { deskOf } from '../access/access-policy';
import { CE_MEDIATION_CONCLUDED, CE_MEDIATION_OPENED } from '@crisis-ops/contracts';
import { answerAfterFate, applyRisk, deescalationOf, opensAlert, responseStepOf, reverses, riskObservationOf, type Deescalation, type ProcessFate, type RiskState } from './projection';

interface ProjectedEvent {
  readonly id: string;
  readonly type: string;
  readonly time: Date;
  readonly traceId: string | null;
}

/**
 * Applies one event to the risk board, the alerts and the response times, inside the consumer's
 * transaction (so it happens once, together with the timeline row and the inbox entry).
 */
export async function projectEvent(m: EntityManager, event: ProjectedEvent, payload: Record<string, unknown>): Promise<void> {
  const risk = riskObservationOf(event.type, payload, event.time);
  if (risk) {
    const desk = deskOf(risk.country);
    const rows: Array<Record<string, unknown>> = await m.query(
      'SELECT level, score, drivers, level_changed_at, updated_at, history, trend_delta FROM risk_areas WHERE country = $1 AND admin1 = $2 FOR UPDATE',
      [risk.country, risk.admin1],
    );
    const current: RiskState | undefined = rows[0]
      ? {
          country: risk.country,
          admin1: risk.admin1,
          level: Number(rows[0].level),
          score: Number(rows[0].score),
          drivers: rows[0].drivers as RiskState['drivers'],
          levelChangedAt: rows[0].level_changed_at ? (rows[0].level_changed_at as Date).toISOString() : null,
          updatedAt: (rows[0].updated_at as Date).toISOString(),
          history: rows[0].history as RiskState['history'],
          trendDelta: rows[0].trend_delta === null ? null : Number(rows[0].trend_delta),
        }
      : undefined;
    const next = applyRisk(current, risk);
    if (next !== current) {
      await m.query(
        `INSERT INTO risk_areas (country, admin1, desk, level, score, drivers, level_changed_at, updated_at, history, trend_delta)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (country, admin1) DO UPDATE SET desk = EXCLUDED.desk, level = EXCLUDED.level, score = EXCLUDED.score,
           drivers = EXCLUDED.drivers, level_changed_at = EXCLUDED.level_changed_at, updated_at = EXCLUDED.updated_at, history = EXCLUDED.history,
           trend_delta = EXCLUDED.trend_delta`,
        [next.country, next.admin1, desk, next.level, next.score, JSON.stringify(next.drivers), next.levelChangedAt, next.updatedAt, JSON.stringify(next.history), next.trendDelta],
      );
    }
    // The country's latest event says what its risk owes now (a late one, redriven, does not set it back).
    await m.query(
      `INSERT INTO country_attributions (country, attributions, seen_at) VALUES ($1, $2::text[], $3)
       ON CONFLICT (country) DO UPDATE SET attributions = EXCLUDED.attributions, seen_at = EXCLUDED.seen_at
       WHERE country_attributions.seen_at <= EXCLUDED.seen_at`,
      [risk.country, risk.attributions, event.time],
    );
    if (opensAlert(risk)) {
      // Its de-escalation may have come first (a redriven dead letter): the alert opens cleared then.
      const [reversal] = await m.query('SELECT reversed_at, reversed_to_level FROM escalation_responses WHERE escalation_id = $1 AND reversed_to_level < $2', [risk.escalationId, risk.level]);
      await m.query(
        `INSERT INTO alerts (escalation_id, event_id, country, admin1, desk, level, score, drivers, opened_at, trace_id, cleared_at, cleared_to_level, attributions)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::text[]) ON CONFLICT (escalation_id) DO NOTHING`,
        // Opened when the escalation was raised (the event's time), not on the day it assessed; it
        // keeps what the escalation's data owed, as it keeps its score and drivers.
        [
          risk.escalationId, event.id, risk.country, risk.admin1, desk, risk.level, risk.score, JSON.stringify(risk.drivers), event.time, event.traceId,
          reversal?.reversed_at ?? null, reversal?.reversed_to_level ?? null, risk.attributions,
        ],
      );
    }
  }

  const deescalation = deescalationOf(event.type, payload, event.time);
  if (deescalation) await applyDeescalation(m, deescalation);

  // Proposal and escalation travel on different topics, so either may arrive first: both upsert.
  const step = responseStepOf(event.type, payload, event.time);
  if (step?.step === 'escalated') {
    await m.query(
      `INSERT INTO escalation_responses (escalation_id, country, admin1, desk, level, escalated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (escalation_id) DO UPDATE SET country = EXCLUDED.country, admin1 = EXCLUDED.admin1, desk = EXCLUDED.desk,
         level = EXCLUDED.level, escalated_at = EXCLUDED.escalated_at`,
      [step.escalationId, step.country, step.admin1, deskOf(step.country), step.level, step.at],
    );
  } else if (step?.step === 'proposed') {
    await m.query(
      `INSERT INTO escalation_responses (escalation_id, country, desk, process_id, proposed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (escalation_id) DO UPDATE SET process_id = EXCLUDED.process_id, proposed_at = EXCLUDED.proposed_at`,
      [step.escalationId, step.country, deskOf(step.country), step.processId, step.at],
    );
    await followProcessFate(m, step.escalationId, step.processId, new Date(step.at));
  } else if (step?.step === 'referred') {
    // Answered by the country's open process: the answer is the referral itself, and a process opened
    // already gives the escalation an open process at once (its own MediationOpened came before).
    await m.query(
      `INSERT INTO escalation_responses (escalation_id, country, desk, process_id, proposed_at, opened_at, referred) VALUES ($1, $2, $3, $4, $5, $6, true)
       ON CONFLICT (escalation_id) DO UPDATE SET process_id = EXCLUDED.process_id, proposed_at = EXCLUDED.proposed_at, opened_at = EXCLUDED.opened_at, referred = true`,
      [step.escalationId, step.country, deskOf(step.country), step.processId, step.at, step.processOpened ? step.at : null],
    );
    await followProcessFate(m, step.escalationId, step.processId, new Date(step.at));
  } else if (step?.step === 'opened') {
    // A process's events share one partition, so its MediationOpened follows its MediationProposed.
    await m.query('UPDATE escalation_responses SET opened_at = $2 WHERE process_id = $1 AND opened_at IS NULL', [step.processId, step.at]);
  } else if (step?.step === 'concluded') {
    // Ended before anyone opened it (a proposal closed): its escalations' wait for an opening is over.
    await m.query('UPDATE escalation_responses SET closed_unopened_at = $2 WHERE process_id = $1 AND opened_at IS NULL AND closed_unopened_at IS NULL', [step.processId, step.at]);
  }
}

/**
 * Gives an escalation's response what its process's opening or closing, projected before the answer
 * came, told (projection.ts `answerAfterFate`). The timeline holds them: this batch's rows included,
 * which tell the same as their projection after this one. Partial index timeline_process_fate.
 */
async function followProcessFate(m: EntityManager, escalationId: string, processId: string, answeredAt: Date): Promise<void> {
  const [fate]: Array<{ opened_at: Date | null; concluded_at: Date | null }> = await m.query(
    `SELECT min(coalesce((payload->>'occurredAt')::timestamptz, occurred_at)) FILTER (WHERE ce_type = '${CE_MEDIATION_OPENED}') AS opened_at,
            min(coalesce((payload->>'occurredAt')::timestamptz, occurred_at)) FILTER (WHERE ce_type = '${CE_MEDIATION_CONCLUDED}') AS concluded_at
       FROM timeline_entries WHERE ce_type IN ('${CE_MEDIATION_OPENED}', '${CE_MEDIATION_CONCLUDED}') AND payload->>'processId' = $1`,
    [processId],
  );
  const known: ProcessFate = { openedAt: fate?.opened_at ?? null, concludedAt: fate?.concluded_at ?? null };
  if (!known.openedAt && !known.concludedAt) return;
  const answer = answerAfterFate(answeredAt, known);
  // A referral to a process open already carries its opening: kept, as is a closing recorded before.
  await m.query(
    `UPDATE escalation_responses SET opened_at = coalesce(opened_at, $2), closed_unopened_at = CASE WHEN coalesce(opened_at, $2) IS NULL THEN coalesce(closed_unopened_at, $3) ELSE closed_unopened_at END
     WHERE escalation_id = $1`,
    [escalationId, answer.openedAt, answer.closedUnopenedAt],
  );
}

/**
 * Marks the alerts and responses a de-escalation reverses (projection.ts `reverses`), once: the first
 * that reverses one is when, and to which level, its area fell back. An alert is not closed by it: an
 * officer may still need to look; it is listed after those still standing. A redelivery finds them
 * marked and changes nothing.
 */
async function applyDeescalation(m: EntityManager, d: Deescalation): Promise<void> {
  const area = [d.escalationId, d.country, d.admin1];
  const alerts: Array<Record<string, unknown>> = await m.query(
    'SELECT id, escalation_id, country, admin1, level, opened_at FROM alerts WHERE cleared_at IS NULL AND (escalation_id = $1 OR (country = $2 AND admin1 = $3)) FOR UPDATE',
    area,
  );
  const cleared = alerts.filter((a) => reverses(d, seen(a, a.opened_at))).map((a) => a.id);
  if (cleared.length) await m.query('UPDATE alerts SET cleared_at = $2, cleared_to_level = $3 WHERE id = ANY($1::uuid[])', [cleared, d.at, d.level]);

  const responses: Array<Record<string, unknown>> = await m.query(
    `SELECT escalation_id, country, admin1, level, escalated_at FROM escalation_responses
     WHERE reversed_at IS NULL AND (escalation_id = $1 OR (country = $2 AND admin1 = $3)) FOR UPDATE`,
    area,
  );
  const reversed = responses.filter((r) => reverses(d, seen(r, r.escalated_at))).map((r) => r.escalation_id);
  if (reversed.length) await m.query('UPDATE escalation_responses SET reversed_at = $2, reversed_to_level = $3 WHERE escalation_id = ANY($1::text[])', [reversed, d.at, d.level]);
  // The escalation it names, not seen yet (its event comes later, redriven): kept for when it comes, as
  // a proposal that comes first is; a row without escalated_at is listed nowhere meanwhile.
  if (d.escalationId) {
    await m.query(
      `INSERT INTO escalation_responses (escalation_id, country, admin1, desk, reversed_at, reversed_to_level) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (escalation_id) DO NOTHING`,
      [d.escalationId, d.country, d.admin1, deskOf(d.country), d.at, d.level],
    );
  }
}

const seen = (r: Record<string, unknown>, raisedAt: unknown) => ({
  escalationId: r.escalation_id as string,
  country: r.country as string,
  admin1: r.admin1 as string,
  level: r.level === null ? null : Number(r.level),
  raisedAt: (raisedAt as Date | null) ?? null,
});
