import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ServerResponse } from 'node:http';
import { DESK_IDS } from '@crisis-ops/geo';
import { ChecksQuery, invalidRequest } from '@crisis-ops/service-kit';
import { RiskQueries } from '../risk/risk-query.service';
import { deskParam, deskViolations } from '../risk/risk-query.controller';
import { parseSignalQuery, signalWhere, SIGNAL_COLUMNS, type SignalFilter } from '../signals/list-signals/signal-query';
import { EXERCISE_COUNTRIES } from '../signals/intake/exercise-countries';
import { ATTRIBUTION_HEADER, attributionHeader, owedBySource } from '../risk/data-attribution';
import { csvHead, csvRow, RISK_CSV, SIGNAL_CSV } from './csv-format';

const PAGE = 5_000;

/** Writes, waiting for the client to take it; a client gone never drains, so its close ends the wait too. */
async function write(res: ServerResponse, chunk: string): Promise<void> {
  if (res.destroyed || res.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function startCsv(res: ServerResponse, fileName: string): void {
  res.statusCode = 200;
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${fileName}"`);
}

const hxlViolations = (hxl: unknown) => (hxl === undefined || hxl === 'true' || hxl === 'false' ? [] : [{ field: 'hxl', reason: 'must be true or false' }]);

/** A signals export's query: the listing's filters (all its rows) and hxl, every fault named at once. */
function signalsExportQuery(q: Record<string, unknown>, exerciseCountries: boolean) {
  const { hxl, ...filters } = q as Record<string, string | undefined>;
  const { query, violations } = parseSignalQuery({ ...filters, limit: undefined }, exerciseCountries);
  violations.push(...hxlViolations(hxl));
  if (!query || violations.length > 0) throw invalidRequest(violations);
  return { query, hxl: hxl === 'true' };
}

/** A risk export's query: hxl and a desk, both named when both are wrong. */
function riskExportQuery(q: Record<string, unknown>) {
  const violations = [...hxlViolations(q.hxl), ...deskViolations(q.region)];
  if (violations.length > 0) throw invalidRequest(violations);
  return { hxl: q.hxl === 'true', desk: deskParam(q.region as string | undefined) };
}

/** CSV exports, plain or HXL-tagged (a hashtag row under the header), streamed page by page. */
@ApiTags('exports')
@ApiBearerAuth()
@Controller('exports')
export class ExportController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly risk: RiskQueries,
    // Read by the signal export's ChecksQuery too.
    @Inject(EXERCISE_COUNTRIES) readonly exerciseCountries: boolean,
  ) {}

  @Get('signals.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'The signals, newest recorded first; the last column, attribution (#meta+attribution), is what the row\'s source owes (ACLED\'s attribution for an ACLED import), empty when nothing',
    headers: { [ATTRIBUTION_HEADER]: { description: 'what the exported rows owe together (ACLED\'s, UCDP\'s attribution); absent when nothing', schema: { type: 'string' } } },
  })
  @ApiQuery({ name: 'hxl', required: false, description: 'true: add the HXL hashtag row' })
  @ApiQuery({ name: 'country', required: false })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'source', required: false })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  // The deployment's own check: beside an unknown parameter, an exercise code where exercises are off is named too.
  @ChecksQuery((q, c: ExportController) => signalsExportQuery(q, c.exerciseCountries))
  async signals(@Query() q: Record<string, string | undefined>, @Res() res: ServerResponse): Promise<void> {
    const { query, hxl } = signalsExportQuery(q, this.exerciseCountries);
    const page = (before?: bigint): Promise<Array<Record<string, unknown>>> => {
      const { where, params } = signalWhere(query, before);
      return this.db.query(`SELECT ${SIGNAL_COLUMNS} FROM signals ${where} ORDER BY signals.seq DESC LIMIT ${PAGE}`, params);
    };
    // The first page before the status line: a database out of reach is then a 503 that says so,
    // where a 200 with a header-only file read as "no signals".
    let rows = await page();
    const owed = await this.attributions(query);
    startCsv(res, `signals${hxl ? '-hxl' : ''}.csv`);
    // What the rows' sources owe (ACLED's terms: attribute it wherever its data is shown), for a
    // client that reads headers; each row says its own in its `attribution` cell, which a CSV reader
    // takes as one more column and an import of the file reads back.
    if (owed.all.length > 0) res.setHeader(ATTRIBUTION_HEADER, owed.all.join(' '));
    await write(res, csvHead(SIGNAL_CSV, hxl));
    while (rows.length > 0) {
      await write(res, rows.map((r) => csvRow(SIGNAL_CSV, { ...r, attribution: owed.bySource.get(r['source'] as string) ?? null })).join(''));
      if (rows.length < PAGE || res.destroyed) break;
      rows = await page(BigInt(rows[rows.length - 1]['seq'] as string));
    }
    res.end();
  }

  /**
   * The attributions of the sources imports recorded them for (source_attributions): per source, and
   * those of the sources the export holds rows of (each such source looked up by the index on source).
   */
  private async attributions(query: SignalFilter): Promise<{ bySource: Map<string, string>; all: string[] }> {
    const bySource = new Map([...(await owedBySource(this.db))].map(([source, owed]) => [source, owed.join(' ')]));
    if (bySource.size === 0) return { bySource, all: [] };
    const { where, params } = signalWhere(query);
    const held: Array<{ attribution: string }> = await this.db.query(
      `SELECT DISTINCT a.attribution FROM source_attributions a
       WHERE EXISTS (SELECT 1 FROM signals ${where ? `${where} AND` : 'WHERE'} signals.source = a.source) ORDER BY a.attribution`,
      params,
    );
    return { bySource, all: held.map((h) => h.attribution) };
  }

  @Get('risk.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: "Every area's current risk; the last column, attribution (#meta+attribution), is what the data its risk was built from owes (ACLED's, UCDP's attribution), empty when nothing",
    headers: { [ATTRIBUTION_HEADER]: { description: 'what the exported rows owe together; absent when nothing', schema: { type: 'string' } } },
  })
  @ApiQuery({ name: 'hxl', required: false, description: 'true: add the HXL hashtag row' })
  @ApiQuery({ name: 'region', required: false, enum: DESK_IDS })
  @ChecksQuery(riskExportQuery)
  async riskCsv(@Query('hxl') hxl: string | undefined, @Query('region') region: string | undefined, @Res() res: ServerResponse): Promise<void> {
    const query = riskExportQuery({ hxl, region });
    const areas = await this.risk.allAreas(query.desk);
    startCsv(res, `risk${query.hxl ? '-hxl' : ''}.csv`);
    const owed = attributionHeader(new Map(areas.map((a) => [a.country, a.attributions])));
    if (owed) res.setHeader(ATTRIBUTION_HEADER, owed);
    await write(res, csvHead(RISK_CSV, query.hxl));
    for (let i = 0; i < areas.length && !res.destroyed; i += PAGE) await write(res, areas.slice(i, i + PAGE).map((a) => csvRow(RISK_CSV, { ...a, attribution: a.attributions.join(' ') || null })).join(''));
    res.end();
  }
}
