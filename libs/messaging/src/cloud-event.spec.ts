import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { CE_RISK_ESCALATED, decodeEvent, RiskEscalatedSchema, TOPIC_RISK } from '@crisis-ops/contracts';
import { cloudEventHeaders, MalformedEventError, parseCloudEvent } from './cloud-event';
import { domainEventRecord } from './domain-event-record';

const time = new Date('2021-06-05T02:00:00Z');

describe('CloudEvents binary mode', () => {
  const headers = cloudEventHeaders(
    { id: 'e-1', type: 'org.crisis-ops.early-warning.signal-recorded.v1', source: 'early-warning', time, subject: 'BFA' },
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  );

  it('writes the required attributes as ce_ headers with a protobuf content type', () => {
    expect(headers).toEqual({
      ce_id: 'e-1',
      ce_type: 'org.crisis-ops.early-warning.signal-recorded.v1',
      ce_source: 'early-warning',
      ce_specversion: '1.0',
      ce_time: '2021-06-05T02:00:00.000Z',
      ce_subject: 'BFA',
      'content-type': 'application/protobuf',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
  });

  it('reads them back from Kafka header buffers', () => {
    const raw = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    const event = parseCloudEvent('t', 3, { key: Buffer.from('BFA'), value: Buffer.from([1, 2, 3]), headers: raw, offset: '42' });
    expect(event).toMatchObject({ id: 'e-1', source: 'early-warning', subject: 'BFA', key: 'BFA', partition: 3, offset: '42' });
    expect(event.time.toISOString()).toBe(time.toISOString());
    expect([...event.data]).toEqual([1, 2, 3]);
  });

  it('names what is missing in a record that is not a CloudEvent', () => {
    expect(() => parseCloudEvent('t', 0, { key: null, value: Buffer.from('x'), headers: { ce_id: 'a' }, offset: '0' })).toThrow(
      new MalformedEventError('missing CloudEvents header(s): ce_type, ce_source, ce_specversion, ce_time'),
    );
  });

  it('rejects a ce_time that is not a timestamp', () => {
    expect(() => parseCloudEvent('t', 0, { key: null, value: Buffer.from('x'), headers: { ...headers, ce_time: 'yesterday' }, offset: '0' })).toThrow(
      /ce_time is not a timestamp/,
    );
  });
});

describe('domainEventRecord', () => {
  it('takes topic, country key and source from the contracts registry', () => {
    const record = domainEventRecord(CE_RISK_ESCALATED, create(RiskEscalatedSchema, { escalationId: 'e-1', country: 'BFA', admin1: 'Sahel' }), { id: 'x-1' });
    expect(record.topic).toBe(TOPIC_RISK);
    expect(record.message.key).toBe('BFA');
    expect(record.message.headers).toMatchObject({ ce_id: 'x-1', ce_type: CE_RISK_ESCALATED, ce_source: 'early-warning' });
    expect(decodeEvent(CE_RISK_ESCALATED, record.message.value as Buffer).admin1).toBe('Sahel');
  });
});
