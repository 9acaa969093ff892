import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mediation processes. `process_events` is the history each process is rebuilt from;
 * `processes` is its current state (one row, `version` = events applied, for optimistic
 * concurrency); `sessions` and `agreements` are queryable projections of the history.
 * `handled_escalations` makes one escalation yield at most one process, whatever the delivery.
 */
export class CreateMediationProcesses1764201600000 implements MigrationInterface {
  name = 'CreateMediationProcesses1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE processes (
        id                  uuid PRIMARY KEY,
        country             char(3) NOT NULL,
        admin1              text,
        region              text NOT NULL,
        track               text NOT NULL,
        lead                text NOT NULL,
        status              text NOT NULL CHECK (status IN ('proposed', 'active', 'suspended', 'concluded', 'closed')),
        outcome             text,
        status_reason       text,
        escalation_id       text UNIQUE,
        escalated_at        timestamptz,
        proposed_at         timestamptz NOT NULL,
        activated_at        timestamptz,
        first_session_at    timestamptz,
        ended_at            timestamptz,
        state               jsonb NOT NULL,
        version             integer NOT NULL CHECK (version > 0),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX processes_country_status ON processes (country, status)`);
    await q.query(`CREATE INDEX processes_region_status ON processes (region, status)`);
    await q.query(`
      CREATE TABLE process_events (
        process_id   uuid NOT NULL REFERENCES processes (id),
        version      integer NOT NULL,
        type         text NOT NULL,
        payload      jsonb NOT NULL,
        actor        text NOT NULL,
        occurred_at  timestamptz NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (process_id, version)
      )`);
    await q.query(`
      CREATE TABLE sessions (
        id            uuid PRIMARY KEY,
        process_id    uuid NOT NULL REFERENCES processes (id),
        round         integer NOT NULL,
        held_at       timestamptz NOT NULL,
        place         text NOT NULL,
        delegates     integer NOT NULL,
        women         integer NOT NULL,
        youth         integer NOT NULL,
        participants  jsonb NOT NULL,
        party_ids     jsonb NOT NULL,
        UNIQUE (process_id, round)
      )`);
    await q.query(`
      CREATE TABLE agreements (
        id                  uuid PRIMARY KEY,
        process_id          uuid NOT NULL REFERENCES processes (id),
        kind                text NOT NULL,
        title               text NOT NULL,
        signed_at           timestamptz NOT NULL,
        gender_provisions   integer NOT NULL,
        youth_provisions    integer NOT NULL,
        provisions          jsonb NOT NULL,
        signatories         jsonb NOT NULL
      )`);
    await q.query(`
      CREATE TABLE handled_escalations (
        escalation_id  text PRIMARY KEY,
        country        char(3) NOT NULL,
        level          text NOT NULL,
        event_id       text NOT NULL,
        outcome        text NOT NULL CHECK (outcome IN ('proposed', 'open-process-exists')),
        process_id     uuid REFERENCES processes (id),
        handled_at     timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE handled_escalations');
    await q.query('DROP TABLE agreements');
    await q.query('DROP TABLE sessions');
    await q.query('DROP TABLE process_events');
    await q.query('DROP TABLE processes');
  }
}
