import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { invalidRequest } from '@crisis-ops/service-kit';
import { EXERCISE_COUNTRIES } from '../intake/exercise-countries';
import { ATTRIBUTION_HEADER, owedBySource } from '../../risk/data-attribution';
import { encodeCursor, parseSignalQuery, signalWhere, SIGNAL_COLUMNS } from './signal-query';

export interface SignalRow {
  id: string;
  seq?: string;
  [field: string]: unknown;
}

@ApiTags('signals')
@ApiBearerAuth()
@Controller('signals')
export class ListSignalsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(EXERCISE_COUNTRIES) private readonly exerciseCountries: boolean,
  ) {}

  /**
   * Signals newest first (in recording order), filtered; `nextCursor` fetches the next page and is
   * null on the last one. Pages are stable while new signals arrive (keyset on the recording sequence).
   */
  @Get()
  @ApiQuery({ name: 'country', required: false, description: 'ISO 3166-1 alpha-3 (an exercise code only where exercises run)' })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'source', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'occurredAt ≥ from (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'occurredAt < to (ISO 8601)' })
  @ApiQuery({ name: 'limit', required: false, description: '1..1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({
    description:
      "{ items: Signal[], nextCursor: string | null }; each item's `attribution` is what its source owes (ACLED's attribution for an ACLED import, whatever its source was named), null when nothing, as in the signals export",
    headers: { [ATTRIBUTION_HEADER]: { description: "what the page's items owe together; absent when nothing", schema: { type: 'string' } } },
  })
  async list(@Query() q: Record<string, string | undefined>, @Res({ passthrough: true }) res?: Response): Promise<{ items: SignalRow[]; nextCursor: string | null }> {
    const { query, violations } = parseSignalQuery(q, this.exerciseCountries);
    if (!query) throw invalidRequest(violations);
    const { where, params } = signalWhere(query, query.before);
    const rows: SignalRow[] = await this.db.query(`SELECT ${SIGNAL_COLUMNS} FROM signals ${where} ORDER BY signals.seq DESC LIMIT ${query.limit + 1}`, params);
    const more = rows.length > query.limit;
    const items = rows.slice(0, query.limit);
    const nextCursor = more ? encodeCursor(items[items.length - 1].seq as string) : null;
    // What each item's source owes (ACLED's terms: attribute it wherever its data is shown), as the
    // export's `attribution` column says it: the listing showed ACLED's rows with no word of ACLED.
    const bySource = await owedBySource(this.db, new Set(items.map((i) => i['source'] as string)));
    for (const item of items) {
      delete item.seq;
      item['attribution'] = bySource.get(item['source'] as string)?.join(' ') ?? null;
    }
    const all = [...new Set([...bySource.values()].flat())].sort();
    if (all.length > 0) res?.setHeader(ATTRIBUTION_HEADER, all.join(' '));
    return { items, nextCursor };
  }
}
