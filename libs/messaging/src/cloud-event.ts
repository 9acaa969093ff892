import type { IHeaders } from 'kafkajs';
import { propagation, type Context } from '@opentelemetry/api';

/**
 * CloudEvents 1.0 in Kafka binary content mode: attributes travel as `ce_*` headers, the protobuf
 * payload is the record value, and the record key is the aggregate's partitioning key (the country
 * code for country-scoped events, so one country's events stay in order).
 */
export const CE_SPECVERSION = '1.0';
export const PROTOBUF_CONTENT_TYPE = 'application/protobuf';

export interface CloudEventAttributes {
  readonly id: string;
  /** Explicit versioned type, e.g. `org.crisis-ops.early-warning.signal-recorded.v1`. */
  readonly type: string;
  /** The producing service. */
  readonly source: string;
  readonly time: Date;
  readonly subject?: string;
}

/** An event as read from Kafka, with where it came from. */
export interface ReceivedEvent extends CloudEventAttributes {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly data: Uint8Array;
  readonly traceparent?: string;
  readonly headers: Readonly<Record<string, string>>;
}

export class MalformedEventError extends Error {
  readonly code = 'MESSAGING.MALFORMED_EVENT';
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEventError';
  }
}

export function cloudEventHeaders(attrs: CloudEventAttributes, traceparent?: string): Record<string, string> {
  const headers: Record<string, string> = {
    ce_id: attrs.id,
    ce_type: attrs.type,
    ce_source: attrs.source,
    ce_specversion: CE_SPECVERSION,
    ce_time: attrs.time.toISOString(),
    'content-type': PROTOBUF_CONTENT_TYPE,
  };
  if (attrs.subject) headers.ce_subject = attrs.subject;
  if (traceparent) headers.traceparent = traceparent;
  return headers;
}

export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    const first = Array.isArray(value) ? value[0] : value;
    out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

interface RawRecord {
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: IHeaders;
  readonly offset: string;
}

/** Reads the CloudEvents envelope of a record; anything missing makes the record a poison event. */
export function parseCloudEvent(topic: string, partition: number, record: RawRecord): ReceivedEvent {
  const headers = headersToStrings(record.headers);
  const missing = ['ce_id', 'ce_type', 'ce_source', 'ce_specversion', 'ce_time'].filter((h) => !headers[h]);
  if (missing.length) throw new MalformedEventError(`missing CloudEvents header(s): ${missing.join(', ')}`);
  if (headers.ce_specversion !== CE_SPECVERSION) {
    throw new MalformedEventError(`unsupported ce_specversion ${headers.ce_specversion}`);
  }
  const time = new Date(headers.ce_time);
  if (Number.isNaN(time.getTime())) throw new MalformedEventError(`ce_time is not a timestamp: ${headers.ce_time}`);
  if (record.value === null) throw new MalformedEventError('record has no value');
  const value = typeof record.value === 'string' ? Buffer.from(record.value, 'utf8') : record.value;
  return {
    id: headers.ce_id,
    type: headers.ce_type,
    source: headers.ce_source,
    time,
    subject: headers.ce_subject,
    topic,
    partition,
    offset: record.offset,
    key: record.key === null ? null : record.key.toString(),
    data: new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
    traceparent: headers.traceparent,
    headers,
  };
}

/** The W3C traceparent of a context (none when it holds no valid span, or tracing is suppressed). */
export function traceparentOf(ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}
