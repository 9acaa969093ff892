import { describe, expect, it, onTestFinished } from 'vitest';
import { CE_MEDIATION_PROPOSED, CE_RISK_ESCALATED, TOPIC_MEDIATION, TOPIC_RISK, TOPIC_SIGNALS } from '@crisis-ops/contracts';
import { devToken, eventually, uniqueSuffix } from '@crisis-ops/testing';
import type { ReceivedSpan } from './otlp-receiver';
import { api, countryTimeline, platform, randomHex, spansOfTrace } from './platform-api';
import { escalatingBurst, quietCountry, type CountryRisk, type Process } from './escalation-support';

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;
// @opentelemetry/instrumentation-kafkajs names its spans `send <topic>` and `process <topic>`.
const send = (topic: string) => `send ${topic}`;
const processOf = (topic: string) => `process ${topic}`;

/** The spans of one trace, with the questions this test asks of them. */
class Trace {
  private readonly byId: Map<string, ReceivedSpan>;

  constructor(readonly spans: ReceivedSpan[]) {
    this.byId = new Map(spans.map((s) => [s.spanId, s]));
  }

  find(service: string, kind: number, name?: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.service === service && s.kind === kind && (name === undefined || s.name === name));
  }

  /** Whether `ancestor` is `span` or one of its parents, grandparents, … within this trace. */
  descends(span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
    for (let s: ReceivedSpan | undefined = span; s; s = s.parentSpanId ? this.byId.get(s.parentSpanId) : undefined) {
      if (s.spanId === ancestor.spanId) return true;
    }
    return false;
  }

  /** Spans whose parent is not in the trace: where the exported part of the trace begins. */
  roots(): ReceivedSpan[] {
    return this.spans.filter((s) => !s.parentSpanId || !this.byId.has(s.parentSpanId));
  }

  dump(): string {
    return this.spans.map((s) => `${s.service} kind=${s.kind} ${s.name} ${s.spanId}<-${s.parentSpanId ?? '-'}`).join('\n  ') || '(no spans)';
  }
}

/**
 * Names the first hop of escalation → mediation → ops-centre that is missing from the caller's
 * trace, so a failure says where the context was lost instead of only that it was.
 */
function firstBreak(t: Trace): string {
  const hops: Array<[string, boolean]> = [
    ['early-warning HTTP server span of the POST', t.find('early-warning', SERVER).length > 0],
    [`early-warning producer span "${send(TOPIC_SIGNALS)}" (outbox relay of SignalRecorded)`, t.find('early-warning', PRODUCER, send(TOPIC_SIGNALS)).length > 0],
    [`early-warning consumer span "${processOf(TOPIC_SIGNALS)}" (risk engine on SignalRecorded)`, t.find('early-warning', CONSUMER, processOf(TOPIC_SIGNALS)).length > 0],
    [`early-warning producer span "${send(TOPIC_RISK)}" (outbox relay of RiskEscalated)`, t.find('early-warning', PRODUCER, send(TOPIC_RISK)).length > 0],
    [`mediation consumer span "${processOf(TOPIC_RISK)}"`, t.find('mediation', CONSUMER, processOf(TOPIC_RISK)).length > 0],
    [`mediation producer span "${send(TOPIC_MEDIATION)}" (MediationProposed)`, t.find('mediation', PRODUCER, send(TOPIC_MEDIATION)).length > 0],
    [`ops-centre consumer span "${processOf(TOPIC_RISK)}"`, t.find('ops-centre', CONSUMER, processOf(TOPIC_RISK)).length > 0],
    [`ops-centre consumer span "${processOf(TOPIC_MEDIATION)}"`, t.find('ops-centre', CONSUMER, processOf(TOPIC_MEDIATION)).length > 0],
  ];
  const missing = hops.find(([, present]) => !present);
  return missing ? `first missing: ${missing[0]}` : 'every hop present';
}

describe('the trace of one escalation', () => {
  it('runs from the HTTP request through early-warning\'s risk engine, Kafka, mediation and ops-centre', async () => {
    const traceId = randomHex(16);
    const callerSpanId = randomHex(8);
    const globalReader = await devToken({ roles: ['global-viewer'], region: null });
    const { iso3: country, desk } = await quietCountry(globalReader);
    const source = `platform-e2e-escalation-trace-${uniqueSuffix()}`;
    const { occurredAt, items } = escalatingBurst(country, source, 'esc-trace', 'posted by the platform end-to-end suite (escalation trace)');
    const posted = await api<{ recorded: number }>(`${platform()['early-warning']}/signals/batch`, {
      body: { items },
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    expect(posted).toMatchObject({ status: 202, body: { recorded: 40 } });

    const escalation = await eventually(async () => {
      const risk = await api<CountryRisk>(`${platform()['early-warning']}/risk/${country}`);
      return risk.status === 200 && risk.body.history.find((h) => h.kind === 'escalated' && h.day === occurredAt.slice(0, 10) && ['high', 'critical'].includes(h.level));
    }, 30_000, 250);
    const escalationId = escalation.escalationId as string;
    // Pass or fail, leave no open process behind, so the next run's quiet-country check starts clean.
    onTestFinished(async () => {
      const viewer = await devToken({ roles: ['viewer'], region: desk });
      const officer = await devToken({ roles: ['mediation-officer'], region: desk });
      const processes = await api<Process[]>(`${platform().mediation}/processes?country=${country}`, { token: viewer });
      for (const p of (processes.status === 200 ? processes.body : []).filter((x) => x.status === 'proposed' && JSON.stringify(x).includes(escalationId))) {
        await api(`${platform().mediation}/processes/${p.processId}/close`, { token: officer, body: { reason: 'platform-e2e escalation trace test done' } });
      }
    });

    // What ops-centre recorded from the Kafka headers: the trace of the RiskEscalated record and of
    // the MediationProposed that answered it.
    const timeline = () => countryTimeline(country);
    const escalated = await eventually(async () => (await timeline()).find((e) => e.type === CE_RISK_ESCALATED && e.payload.escalationId === escalationId), 30_000, 250);
    const proposed = await eventually(async () => (await timeline()).find((e) => e.type === CE_MEDIATION_PROPOSED && e.payload.triggeredByEscalationId === escalationId), 30_000, 250);
    expect(escalated).toMatchObject({ topic: TOPIC_RISK, source: 'early-warning' });
    expect(proposed).toMatchObject({ topic: TOPIC_MEDIATION, source: 'mediation' });

    // Spans arrive in batches from four processes: wait until every hop has shown up, or time out
    // with the hop that never did.
    let trace = new Trace([]);
    const complete = (t: Trace) => firstBreak(t) === 'every hop present';
    try {
      await eventually(async () => {
        trace = new Trace(await spansOfTrace(traceId));
        return complete(trace);
      }, 20_000, 250);
    } catch {
      // Fall through: the assertions below say which hop is missing.
    }
    const context =
      `escalation ${escalationId} of ${country}: RiskEscalated recorded with trace ${escalated.traceId}, MediationProposed with ${proposed.traceId}, ` +
      `the request's trace is ${traceId}; ${firstBreak(trace)}; spans of the request's trace:\n  ${trace.dump()}`;

    // The records themselves carry the caller's trace id (ops-centre read it from their headers).
    expect(escalated.traceId, context).toBe(traceId);
    expect(proposed.traceId, context).toBe(traceId);
    expect(firstBreak(trace), context).toBe('every hop present');

    // early-warning: HTTP request → SignalRecorded sent → consumed by the risk engine → risk event sent.
    const [server] = trace.find('early-warning', SERVER);
    expect(server.parentSpanId, context).toBe(callerSpanId);
    const signalSends = trace.find('early-warning', PRODUCER, send(TOPIC_SIGNALS)).filter((s) => trace.descends(s, server));
    expect(signalSends.length, context).toBeGreaterThan(0);
    const engineRuns = trace.find('early-warning', CONSUMER, processOf(TOPIC_SIGNALS)).filter((c) => signalSends.some((p) => p.spanId === c.parentSpanId));
    expect(engineRuns.length, context).toBeGreaterThan(0);
    const riskSends = trace.find('early-warning', PRODUCER, send(TOPIC_RISK)).filter((p) => engineRuns.some((c) => trace.descends(p, c)));
    expect(riskSends.length, context).toBeGreaterThan(0);

    // Kafka → mediation: its consumer continues from early-warning's send; its MediationProposed is sent within it.
    const mediationRuns = trace.find('mediation', CONSUMER, processOf(TOPIC_RISK)).filter((c) => riskSends.some((p) => p.spanId === c.parentSpanId));
    expect(mediationRuns.length, context).toBeGreaterThan(0);
    const proposalSends = trace.find('mediation', PRODUCER, send(TOPIC_MEDIATION)).filter((p) => mediationRuns.some((c) => trace.descends(p, c)));
    expect(proposalSends.length, context).toBeGreaterThan(0);

    // Kafka → ops-centre: both the escalation and the proposal, each from the span that sent it.
    expect(trace.find('ops-centre', CONSUMER, processOf(TOPIC_RISK)).filter((c) => riskSends.some((p) => p.spanId === c.parentSpanId)).length, context).toBeGreaterThan(0);
    expect(trace.find('ops-centre', CONSUMER, processOf(TOPIC_MEDIATION)).filter((c) => proposalSends.some((p) => p.spanId === c.parentSpanId)).length, context).toBeGreaterThan(0);

    // One tree: every exported span hangs off the request's server span, none starts a trace of its own.
    expect(trace.roots().map((s) => `${s.service} kind=${s.kind} ${s.name}`), context).toEqual([`early-warning kind=${SERVER} ${server.name}`]);

    const count = (service: string, kind: number, name: string) => trace.find(service, kind, name).length;
    console.info(
      `escalation ${escalationId} of ${country}, trace ${traceId}: ${trace.spans.length} spans; early-warning ${server.name} → ${count('early-warning', PRODUCER, send(TOPIC_SIGNALS))}× ${send(TOPIC_SIGNALS)} → ` +
        `${count('early-warning', CONSUMER, processOf(TOPIC_SIGNALS))}× ${processOf(TOPIC_SIGNALS)} → ${riskSends.length}× ${send(TOPIC_RISK)}; mediation ${mediationRuns.length}× ${processOf(TOPIC_RISK)} → ` +
        `${proposalSends.length}× ${send(TOPIC_MEDIATION)}; ops-centre ${count('ops-centre', CONSUMER, processOf(TOPIC_RISK))}× ${processOf(TOPIC_RISK)}, ${count('ops-centre', CONSUMER, processOf(TOPIC_MEDIATION))}× ${processOf(TOPIC_MEDIATION)}`,
    );
  });
});
