import { Controller } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { CE_AGGREGATE_OBSERVED, CE_SIGNAL_RECORDED, decodeEvent, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import type { ReceivedEvent } from '@crisis-ops/messaging';
import { BATCH_HANDLER, EventConsumer, KafkaBatchContext } from '@crisis-ops/service-kit';
import { isSignalType, isSubTypeOf, type SignalSubType } from '../domain';
import { LiveRisk, type LiveInput } from './live-risk.service';
import { readSignalForRisk } from './signal-for-risk.reader';

type Within = <T>(fn: () => T) => T;

/**
 * What the risk engine takes from an event of the signals topic, or undefined for what it cannot
 * weigh (another event type, a signal type it does not know, an observation without a period):
 * such an event stays recorded but moves no risk.
 */
export function liveInputOf(event: ReceivedEvent, within?: Within): LiveInput | undefined {
  if (event.type === CE_SIGNAL_RECORDED) {
    const s = readSignalForRisk(event.data);
    if (!isSignalType(s.type)) return undefined;
    return {
      signal: {
        country: s.country,
        admin1: s.admin1 || null,
        occurredAt: s.occurredAt ?? event.time,
        type: s.type,
        subType: s.subType && isSubTypeOf(s.type, s.subType) ? (s.subType as SignalSubType) : null,
        fatalities: Math.max(0, s.fatalities),
        severity: s.severity >= 1 && s.severity <= 5 ? s.severity : null,
      },
      origin: s.origin === 'import' ? 'import' : 'api',
      // Events written before the flag existed carry false: they only assess when days close.
      assessAfter: s.lastInRequest,
      requestEarliest: s.requestEarliestOccurredAt,
      within,
    };
  }
  if (event.type === CE_AGGREGATE_OBSERVED) {
    const o = decodeEvent(CE_AGGREGATE_OBSERVED, event.data);
    // Unlike a signal's occurred_at, the period cannot be stood in for by the event time.
    if (!o.periodStart || !o.periodEnd) return undefined;
    return {
      observation: {
        country: o.country,
        admin1: o.admin1 || null,
        periodStart: timestampDate(o.periodStart),
        periodEnd: timestampDate(o.periodEnd),
        events: Math.max(0, o.events),
        fatalities: Math.max(0, o.fatalities),
      },
      // Observations come from bulk imports: an unset origin must not make years of history news.
      origin: o.origin === 'api' ? 'api' : 'import',
      within,
    };
  }
  return undefined;
}

/**
 * early-warning consumes its own signals topic (group "early-warning"): SignalRecorded and
 * AggregateObserved, so the risk engine runs on what was committed, in commit order per country,
 * never on a request still in flight. Events come in batches (one transaction each), so a
 * million-row import is digested at the pace it is written, not one transaction per event.
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
      const inputs: LiveInput[] = [];
      for (const event of events) {
        const input = liveInputOf(event, (fn) => within(event, fn));
        if (input) inputs.push(input);
      }
      await this.risk.apply(m, inputs);
    });
  }
}
