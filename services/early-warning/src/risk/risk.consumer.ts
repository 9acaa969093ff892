import { Controller } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { CE_SIGNAL_RECORDED, decodeEvent, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import { BATCH_HANDLER, EventConsumer, KafkaBatchContext } from '@crisis-ops/service-kit';
import { isSignalType, isSubTypeOf, type SignalSubType } from '../domain';
import { LiveRisk, type LiveSignal } from './live-risk.service';

/**
 * early-warning consumes its own SignalRecorded stream (group "early-warning"): the risk engine runs
 * on what was committed, in commit order per country, never on a request still in flight. Signals
 * come in batches (one transaction each), so a million-row import is digested at the pace it is
 * written, not one transaction per signal.
 */
@Controller()
export class RiskSignalConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly risk: LiveRisk,
  ) {}

  @EventPattern(TOPIC_SIGNALS, BATCH_HANDLER)
  async onSignals(@Ctx() ctx: KafkaBatchContext): Promise<void> {
    await this.events.consumeBatch(ctx, async (events, m, within) => {
      const inputs: LiveSignal[] = [];
      for (const event of events) {
        if (event.type !== CE_SIGNAL_RECORDED) continue;
        const s = decodeEvent(CE_SIGNAL_RECORDED, event.data);
        // Another producer's unknown type cannot be weighed; it stays recorded but moves no risk.
        if (!isSignalType(s.type)) continue;
        inputs.push({
          signal: {
            country: s.country,
            admin1: s.admin1 || null,
            occurredAt: s.occurredAt ? timestampDate(s.occurredAt) : event.time,
            type: s.type,
            subType: s.subType && isSubTypeOf(s.type, s.subType) ? (s.subType as SignalSubType) : null,
            fatalities: Math.max(0, s.fatalities),
            severity: s.severity >= 1 && s.severity <= 5 ? s.severity : null,
          },
          origin: s.origin === 'import' ? 'import' : 'api',
          // Events written before the flag existed carry false: they only assess when days close.
          assessAfter: s.lastInRequest,
          within: (fn) => within(event, fn),
        });
      }
      await this.risk.apply(m, inputs);
    });
  }
}
