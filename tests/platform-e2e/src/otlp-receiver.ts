import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One span as the services exported it, flattened with the service.name of its resource. */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  /** The span's attributes, each value as text (e.g. the URL an HTTP server span recorded). */
  readonly attributes: Record<string, string>;
}

interface OtlpAttribute {
  key: string;
  value?: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}

/** An attribute's value as text, whatever its OTLP type; undefined for arrays and maps. */
function textOf(value: OtlpAttribute['value']): string | undefined {
  const v = value?.stringValue ?? value?.intValue ?? value?.boolValue ?? value?.doubleValue;
  return v === undefined ? undefined : String(v);
}

function attributesOf(list: OtlpAttribute[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const text = textOf(a.value);
    if (text !== undefined) out[a.key] = text;
  }
  return out;
}

interface OtlpTraceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind?: number; attributes?: OtlpAttribute[] }> }>;
  }>;
}

/** OTLP/JSON carries ids as hex strings; tolerate base64 too, as some exporters send it. */
function hexId(id: string | undefined, bytes: number): string | undefined {
  if (!id) return undefined;
  if (new RegExp(`^[0-9a-f]{${bytes * 2}}$`, 'i').test(id)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}

/** Flattens an OTLP/HTTP JSON export request (resourceSpans → scopeSpans → spans). */
export function decodeOtlpJson(body: OtlpTraceRequest): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? 'unknown';
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          service,
          traceId: hexId(s.traceId, 16) ?? '',
          spanId: hexId(s.spanId, 8) ?? '',
          parentSpanId: hexId(s.parentSpanId, 8),
          name: s.name,
          kind: s.kind ?? 0,
          attributes: attributesOf(s.attributes),
        });
      }
    }
  }
  return spans;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      resolve(req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw);
    });
    req.on('error', reject);
  });
}

export interface OtlpReceiver {
  /** Base URL, for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  close(): Promise<void>;
}

/**
 * A minimal OTLP/HTTP trace collector: accepts JSON on POST /v1/traces and keeps every span in
 * memory. GET /spans?traceId=… answers the spans received so far, so test files running in other
 * processes than the one holding the receiver can query it; GET /exported?contains=… whether any
 * export carried a text (attributes included).
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  // Every export as it came, attributes included: GET /exported?contains=… says whether any held a text.
  const exported: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/v1/traces') {
      readBody(req)
        .then((body) => {
          if (!String(req.headers['content-type']).includes('json')) {
            res.writeHead(415).end('only OTLP/JSON is understood here');
            return;
          }
          exported.push(body.toString('utf8'));
          spans.push(...decodeOtlpJson(JSON.parse(body.toString('utf8')) as OtlpTraceRequest));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        })
        .catch((err: Error) => res.writeHead(400).end(err.message));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/spans') {
      const traceId = url.searchParams.get('traceId');
      const found = traceId ? spans.filter((s) => s.traceId === traceId) : spans;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/exported') {
      const text = url.searchParams.get('contains') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ found: text !== '' && exported.some((e) => e.includes(text)) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
