import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The timeline by event type's short name, newest recorded first: `/timeline?type=` and the stream's
 * catch-up filter by it (ceTypeMatchSql), and without an index a rare type ("election-scheduled")
 * was looked for through every row, 2-3 s on a stack holding one import. The expression is
 * shortNameSql's, written out: a query uses the index only if it writes the expression the same way.
 */
export class TimelineShortType1765600000000 implements MigrationInterface {
  name = 'TimelineShortType1765600000000';
  // Outside a transaction, for CREATE INDEX CONCURRENTLY: the timeline keeps every event (millions of
  // rows after an import), and a plain CREATE INDEX would hold its inserts for the whole scan.
  transaction = false as const;

  async up(q: QueryRunner): Promise<void> {
    // A build interrupted (the replica killed) leaves the index invalid; IF NOT EXISTS would keep it so.
    await q.query(
      `DO $$ BEGIN
         IF EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                     WHERE c.relname = 'timeline_short_type' AND c.relnamespace = current_schema()::regnamespace AND NOT i.indisvalid)
         THEN DROP INDEX timeline_short_type; END IF;
       END $$`,
    );
    await q.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS timeline_short_type ON timeline_entries ((substring(ce_type FROM '([^.]+)\\.[^.]+$')), received_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS timeline_short_type');
  }
}
