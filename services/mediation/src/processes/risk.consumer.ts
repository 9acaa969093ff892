import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { CE_RISK_DEESCALATED, CE_RISK_ESCALATED, decodeEvent, RiskLevel as PbRiskLevel, TOPIC_RISK } from '@crisis-ops/contracts';
import { DomainError } from '@crisis-ops/domain-kernel';
import { PermanentEventError } from '@crisis-ops/messaging';
import { storableText as storable } from '@crisis-ops/persistence';
import { EventConsumer } from '@crisis-ops/service-kit';
import { isUsableDriver, type RiskLevel } from '../domain';
import { MediationService } from './mediation.service';

const LEVEL: Record<PbRiskLevel, RiskLevel | undefined> = {
  [PbRiskLevel.UNSPECIFIED]: undefined,
  [PbRiskLevel.LOW]: 'low',
  [PbRiskLevel.ELEVATED]: 'elevated',
  [PbRiskLevel.HIGH]: 'high',
  [PbRiskLevel.CRITICAL]: 'critical',
};


/**
 * Answers early-warning's escalations (consumer group "mediation"). Redelivery of one event id is
 * absorbed by the inbox; a second event about the same escalation by handled_escalations.
 *
 * Every string of an event is taken as Postgres can store it (storableText: U+FFFD for a NUL or an
 * unpaired surrogate). A proto3 string may hold U+0000, which text and jsonb refuse: such an
 * escalation failed every attempt and was dead-lettered, and no redrive could ever deliver it. The
 * same replacement of the same id makes its de-escalation name it as it was recorded.
 */
@Controller()
export class RiskConsumer {
  private readonly logger = new Logger('RiskConsumer');

  constructor(
    private readonly events: EventConsumer,
    private readonly mediation: MediationService,
  ) {}

  @EventPattern(TOPIC_RISK)
  async onRisk(@Ctx() ctx: KafkaContext): Promise<void> {
    await this.events.consume(ctx, async (event, m) => {
      try {
        if (event.type === CE_RISK_ESCALATED) {
          const e = decodeEvent(CE_RISK_ESCALATED, event.data);
          const level = LEVEL[e.newLevel];
          if (!level) return;
          // proto3 has no null string: '' is a driver of the whole area, null in the domain as for admin1.
          const drivers = e.drivers.map((d) => ({ kind: storable(d.kind), label: storable(d.label), area: storable(d.area) || null, count: d.count, weight: d.weight }));
          // The proposal leaves these out; the log keeps the loss of evidence visible.
          const unusable = drivers.filter((d) => !isUsableDriver(d));
          if (unusable.length) this.logger.warn(`escalation ${e.escalationId}: left out unusable drivers ${unusable.map((d) => `${d.kind} (weight ${d.weight}, count ${d.count})`).join(', ')}`);
          const created = await this.mediation.onEscalation(
            m,
            // Raised at the event's own time: the payload's `at` is the day assessed (midnight, or long
            // past for a late report), and time to response counts from when the escalation came.
            { escalationId: storable(e.escalationId), country: storable(e.country), admin1: storable(e.admin1) || null, level, drivers, at: event.time.toISOString() },
            event.id,
          );
          if (created) this.logger.log(`proposed process ${created.processId} for ${e.country} (escalation ${e.escalationId})`);
        } else if (event.type === CE_RISK_DEESCALATED) {
          const d = decodeEvent(CE_RISK_DEESCALATED, event.data);
          await this.mediation.onDeescalation(m, {
            escalationId: storable(d.escalationId),
            country: storable(d.country),
            admin1: storable(d.admin1) || null,
            level: LEVEL[d.newLevel] ?? 'low',
            at: event.time.toISOString(),
          });
        }
      } catch (err) {
        // An event the domain rejects will be rejected again on every retry.
        if (err instanceof DomainError && err.kind === 'invalid') throw new PermanentEventError(err.code, err.message);
        throw err;
      }
    });
  }
}
