import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@crisis-ops/service-kit';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { CurrentPrincipal, type Principal } from '@crisis-ops/auth';
import { ValidationFailed, type FieldViolation } from '@crisis-ops/domain-kernel';
import { countriesOfDesk, type DeskId } from '@crisis-ops/geo';
import { assertMaySeeCountry, deskOf, readableDesks } from '../access/access-policy';
import { QueryCheck } from '../read-model/query-check';
import { levelOf, payloadLevelSql } from '../read-model/risk-level';
import { ceTypeMatchSql, eventTypesFault, listParam, shortNamesOf } from '../stream/stream-filter';
import { levelOfPayload, shortNameOf } from '../stream/stream-item';
import { TimelineEntry } from './timeline-entry.entity';
import { payloadFor } from '../access/mediation-content';
import { shownPayload } from './event-payload';

@ApiTags('timeline')
@ApiBearerAuth()
@Controller('timeline')
export class TimelineController {
  constructor(@InjectRepository(TimelineEntry) private readonly entries: Repository<TimelineEntry>) {}

  /**
   * Events across all services, newest first (in recording order), optionally for one country. A
   * regional officer gets their own desk's countries only, as on the stream and the board: asking
   * for another desk's country (or region) is refused, and events of no country (or no desk) are for
   * global users. `before=<event id>` pages back: the events recorded before that one, so a console
   * can reload what a reconnect's catch-up left out, or what it no longer keeps. `region`, `type` and
   * `minLevel` filter as on the stream, so a console pages back through what its live pane shows.
   * Each entry also carries what the stream says of it: `name`, `desk` and `level`.
   */
  @Get()
  @ApiQuery({ name: 'country', required: false })
  @ApiQuery({ name: 'region', required: false, description: 'a regional desk' })
  @ApiQuery({ name: 'type', required: false, isArray: true, description: 'comma list, or given more than once, of event names (risk-escalated) or CloudEvents types' })
  @ApiQuery({ name: 'minLevel', required: false, description: 'low, elevated, high or critical (or 1-4): only events carrying a risk level at or above it' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'before', required: false, description: 'An event id: only events recorded before it' })
  @ApiOkResponse({ description: 'Timeline entries, newest first (recording order), each with its `name`, `desk` and `level`' })
  @ApiProblemResponse(422, 'OPS_CENTRE.QUERY_INVALID: `before` is not the id of an event on the timeline (`errors` names it)')
  async list(
    @CurrentPrincipal() p: Principal,
    @Query('country') rawCountry?: string,
    @Query('limit') rawLimit?: string,
    @Query('before') before?: string,
    @Query('region') region?: string,
    @Query('type') rawType?: string,
    @Query('minLevel') minLevel?: string,
  ) {
    const q = new QueryCheck();
    const n = q.limit(rawLimit, 100);
    const country = q.country(rawCountry);
    q.eventId('before', before);
    q.region(region);
    // As on the stream: `type=` (or `,`, or blanks) is refused, where it was read as no filter and
    // answered every type.
    const listFaults: FieldViolation[] = [];
    const types = listParam('type', rawType, listFaults);
    const typesFault = types ? eventTypesFault(types) : undefined;
    for (const fault of listFaults) q.invalid(fault.field, fault.reason);
    if (typesFault) q.invalid('type', typesFault);
    if (minLevel !== undefined && levelOf(minLevel) === 0) q.invalid('minLevel', 'must be low, elevated, high or critical (or 1-4)');
    q.done();
    const found = this.entries.createQueryBuilder('e');
    if (country) {
      assertMaySeeCountry(p, country);
      found.andWhere('e.country = :country', { country });
    }
    // With a country, only a region asked for narrows further: its desk was checked above.
    const desks = country && region === undefined ? undefined : readableDesks(p, region);
    if (desks) found.andWhere('e.country = ANY(:countries)', { countries: desks.flatMap((d) => countriesOfDesk(d as DeskId).map((c) => c.iso3)) });
    if (types) found.andWhere(ceTypeMatchSql('e.ce_type', ':typeNames', ':types'), { typeNames: shortNamesOf(types), types });
    if (minLevel !== undefined) found.andWhere(`${payloadLevelSql('e.payload')} >= :minLevel`, { minLevel: levelOf(minLevel) });
    if (before !== undefined) {
      if (!(await this.entries.existsBy({ eventId: before }))) throw new ValidationFailed('OPS_CENTRE.QUERY_INVALID', [{ field: 'before', reason: 'is not the id of an event on the timeline' }]);
      // Compared in the database: received_at has microseconds, a JavaScript Date only milliseconds.
      found.andWhere(
        `(e.received_at, e.kafka_partition, e.kafka_offset, e.event_id) <
         (SELECT a.received_at, a.kafka_partition, a.kafka_offset, a.event_id FROM timeline_entries a WHERE a.event_id = :before)`,
        { before },
      );
    }
    // Recording order: a transaction's rows share received_at and keep their partition's offsets.
    const entries = await found
      .orderBy('e.received_at', 'DESC')
      .addOrderBy('e.kafka_partition', 'DESC')
      .addOrderBy('e.kafka_offset', 'DESC')
      .addOrderBy('e.event_id', 'DESC')
      .take(n)
      .getMany();
    return entries.map((e) => ({ ...e, payload: payloadFor(p, e.topic, shownPayload(e.type, e.payload)), name: shortNameOf(e.type), desk: deskOf(e.country), level: levelOfPayload(e.payload) }));
  }
}
