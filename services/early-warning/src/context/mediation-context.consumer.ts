import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { AgreementKind, CE_AGREEMENT_REACHED, decodeEvent, TOPIC_MEDIATION } from '@crisis-ops/contracts';
import { PermanentEventError, type ReceivedEvent } from '@crisis-ops/messaging';
import { storableText } from '@crisis-ops/persistence';
import { BATCH_HANDLER, EventConsumer, KafkaBatchContext } from '@crisis-ops/service-kit';
import { dayOf } from '../domain';
import { AGREEMENT_CONTEXT, type AgreementContextParameters } from './agreement-context';
import { isoDayOf } from './recorded-context';

export const AGREEMENT_REACHED_KIND = 'agreement_reached';

const KIND_LABEL: Partial<Record<AgreementKind, string>> = {
  [AgreementKind.CEASEFIRE]: 'Ceasefire',
  [AgreementKind.PRE_NEGOTIATION]: 'Pre-negotiation agreement',
  [AgreementKind.FRAMEWORK]: 'Framework agreement',
  [AgreementKind.COMPREHENSIVE]: 'Comprehensive agreement',
  [AgreementKind.IMPLEMENTATION]: 'Implementation agreement',
  [AgreementKind.LOCAL]: 'Local agreement',
};

/** A row of `risk_context`, as written. */
export interface ContextRecord {
  readonly country: string;
  /** '' = national. */
  readonly admin1: string;
  readonly kind: string;
  readonly label: string;
  readonly points: number;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly reference: string;
  readonly sourceEventId: string;
}

/**
 * The context an event of the mediation topic records, or undefined for the events that record none
 * (everything but AgreementReached). The row is for the process's admin1 ('' = national, also what
 * an agreement published before the contract had admin1 decodes to), which the engine applies to
 * that area alone (rowsInForce, which matches admin1 names case, accents and punctuation aside). The
 * name is trimmed as a signal's is and capped like the title (a signal's admin1 is at most 200
 * characters too). Its area and ids are mediation's text, which may hold a NUL (a proto3 string can):
 * made storable (U+FFFD in its place), as text refuses it and the event was dead-lettered for it.
 */
export function contextOf(event: ReceivedEvent, p: AgreementContextParameters): ContextRecord | undefined {
  if (event.type !== CE_AGREEMENT_REACHED) return undefined;
  const a = decodeEvent(CE_AGREEMENT_REACHED, event.data);
  // Retrying will not give it a country: to the dead-letter topic, where someone will see it.
  if (!/^[A-Z]{3}$/.test(a.country)) {
    throw new PermanentEventError('EARLY_WARNING.CONTEXT_INVALID', `AgreementReached ${event.id}: country must be an ISO 3166-1 alpha-3 code, got "${a.country}"`);
  }
  const day = dayOf(a.occurredAt ? timestampDate(a.occurredAt) : event.time);
  return {
    country: a.country,
    admin1: storableText(a.admin1.trim().slice(0, 200)),
    kind: AGREEMENT_REACHED_KIND,
    // The kind, never the title: early-warning's risk (context, drivers, events, exports) is read
    // with any token of any region, while an agreement's text is mediation's, which only its own
    // roles of the country's region read. The reference leads those who may to the agreement.
    label: `${KIND_LABEL[a.kind] ?? 'Agreement'} reached`,
    points: p.points,
    validFrom: isoDayOf(day),
    validUntil: isoDayOf(day + p.days),
    reference: storableText([a.processId, a.agreementId].filter(Boolean).join('/')),
    sourceEventId: event.id,
  };
}

/**
 * Records context from mediation (consumer group "early-warning", like the signals): one
 * `risk_context` row per AgreementReached, which LiveRisk reads at the country's next batch. The
 * inbox skips a redelivered event; the unique source event id keeps a row single even so.
 */
@Controller()
export class MediationContextConsumer {
  constructor(
    private readonly events: EventConsumer,
    @Inject(AGREEMENT_CONTEXT) private readonly parameters: AgreementContextParameters,
  ) {}

  @EventPattern(TOPIC_MEDIATION, BATCH_HANDLER)
  async onMediation(@Ctx() ctx: KafkaBatchContext): Promise<void> {
    await this.events.consumeBatch(ctx, async (events, m) => {
      const rows = events.map((e) => contextOf(e, this.parameters)).filter((r): r is ContextRecord => r !== undefined);
      if (rows.length === 0) return;
      await m.query(
        `INSERT INTO risk_context (country, admin1, kind, label, points, valid_from, valid_until, reference, source_event_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::date[], $7::date[], $8::text[], $9::text[])
         ON CONFLICT (source_event_id) DO NOTHING`,
        [
          rows.map((r) => r.country),
          rows.map((r) => r.admin1),
          rows.map((r) => r.kind),
          rows.map((r) => r.label),
          rows.map((r) => r.points),
          rows.map((r) => r.validFrom),
          rows.map((r) => r.validUntil),
          rows.map((r) => r.reference),
          rows.map((r) => r.sourceEventId),
        ],
      );
    });
  }
}
