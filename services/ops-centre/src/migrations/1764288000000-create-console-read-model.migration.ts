import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's read model beside the timeline: risk per area, alerts with their comments, the
 * audit of what officers did and saw, and the response to each escalation.
 */
export class CreateConsoleReadModel1764288000000 implements MigrationInterface {
  name = 'CreateConsoleReadModel1764288000000';

  async up(q: QueryRunner): Promise<void> {
    // admin1 '' = the national assessment; a text key keeps the primary key free of NULLs.
    await q.query(`
      CREATE TABLE risk_areas (
        country          char(3) NOT NULL,
        admin1           text NOT NULL DEFAULT '',
        desk             text,
        level            smallint NOT NULL,
        score            double precision NOT NULL,
        drivers          jsonb NOT NULL DEFAULT '[]',
        level_changed_at timestamptz,
        updated_at       timestamptz NOT NULL,
        history          jsonb NOT NULL DEFAULT '[]',
        PRIMARY KEY (country, admin1)
      )`);
    await q.query('CREATE INDEX risk_areas_desk_level ON risk_areas (desk, level DESC)');
    await q.query(`
      CREATE TABLE alerts (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        escalation_id   text NOT NULL UNIQUE,
        event_id        text NOT NULL,
        country         char(3) NOT NULL,
        admin1          text NOT NULL DEFAULT '',
        desk            text,
        level           smallint NOT NULL,
        score           double precision NOT NULL,
        drivers         jsonb NOT NULL DEFAULT '[]',
        opened_at       timestamptz NOT NULL,
        status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'closed')),
        assignee        text,
        acknowledged_by text,
        acknowledged_at timestamptz,
        closed_by       text,
        closed_at       timestamptz,
        close_reason    text,
        trace_id        text
      )`);
    await q.query('CREATE INDEX alerts_status_opened ON alerts (status, opened_at DESC)');
    await q.query(`
      CREATE TABLE alert_comments (
        id       bigserial PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES alerts (id),
        author   text NOT NULL,
        body     text NOT NULL,
        at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX alert_comments_alert ON alert_comments (alert_id, at)');
    await q.query(`
      CREATE TABLE audit_log (
        id       bigserial PRIMARY KEY,
        at       timestamptz NOT NULL DEFAULT now(),
        actor    text NOT NULL,
        action   text NOT NULL,
        alert_id uuid,
        desk     text,
        detail   jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query('CREATE INDEX audit_log_alert ON audit_log (alert_id, at DESC)');
    await q.query('CREATE INDEX audit_log_actor ON audit_log (actor, at DESC)');
    await q.query(`
      CREATE TABLE escalation_responses (
        escalation_id text PRIMARY KEY,
        country       char(3),
        admin1        text NOT NULL DEFAULT '',
        desk          text,
        level         smallint,
        escalated_at  timestamptz,
        process_id    text,
        proposed_at   timestamptz,
        opened_at     timestamptz
      )`);
    await q.query('CREATE INDEX escalation_responses_process ON escalation_responses (process_id)');
    await q.query('CREATE INDEX escalation_responses_time ON escalation_responses (escalated_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE escalation_responses, audit_log, alert_comments, alerts, risk_areas');
  }
}
