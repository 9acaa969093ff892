/**
 * Every event type, by the short name the stream filter takes ("risk-escalated"), in the contracts'
 * order: what the live pane's type filter offers. Written out rather than imported from the
 * contracts, whose registry would bring its protobuf code into the bundle; src/stream/event-names.spec.ts
 * fails when it stops naming exactly the types the API accepts (a list kept in step by hand once
 * lacked seven, mediation's and the postponed election among them).
 */
export const EVENT_NAMES = [
  'signal-recorded',
  'aggregate-observed',
  'risk-assessed',
  'risk-escalated',
  'risk-deescalated',
  'mediation-proposed',
  'mediation-opened',
  'envoy-appointed',
  'talks-convened',
  'agreement-reached',
  'mediation-suspended',
  'mediation-resumed',
  'mediation-concluded',
  'escalation-referred',
  'election-scheduled',
  'election-postponed',
  'partner-engaged',
] as const;
