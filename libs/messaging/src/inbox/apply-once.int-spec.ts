import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { uniqueSuffix } from '@crisis-ops/testing';
import { messagingScratch, type MessagingScratch } from '../messaging-scratch.int-support';
import type { ReceivedEvent } from '../cloud-event';
import { applyOnce, applyOnceBatch } from './apply-once';

describe('the inbox: applied once, remembered from the last time seen', () => {
  let scratch: MessagingScratch;
  let db: DataSource;
  const event = (id = randomUUID()) => ({ id, type: 'org.crisis-ops.test.thing-happened.v1', topic: 't', partition: 0, offset: '1' }) as unknown as ReceivedEvent;
  const ageOf = async (id: string) => Number((await db.query(`SELECT extract(epoch FROM now() - processed_at) / 86400 AS days FROM inbox WHERE event_id = $1`, [id]))[0].days);
  const ageBy = (id: string, days: number) => db.query(`UPDATE inbox SET processed_at = processed_at - $2 * interval '1 day' WHERE event_id = $1`, [id, days]);

  beforeAll(async () => {
    scratch = await messagingScratch('inbox', [`test.inbox.${uniqueSuffix()}`], { partitions: 1 });
    db = scratch.dataSource;
  });

  afterAll(async () => {
    await scratch?.close();
  });

  it('given an event applied 40 days ago, when a copy arrives (a redriven letter), then it is skipped and remembered from now', async () => {
    const e = event();
    let runs = 0;
    const effect = async () => void runs++;
    expect(await applyOnce(db, 'c', e, effect)).toBe(true);
    await ageBy(e.id, 40);
    expect(await applyOnce(db, 'c', e, effect)).toBe(false);
    expect(runs).toBe(1);
    expect(await ageOf(e.id)).toBeLessThan(1);
  });

  it('does the same for a batch, where an id twice in the batch counts once', async () => {
    const old = event();
    const fresh = event();
    const seen: string[] = [];
    expect(await applyOnceBatch(db, 'c', [old], async (es) => void seen.push(...es.map((x) => x.id)))).toBe(1);
    await ageBy(old.id, 40);
    expect(await applyOnceBatch(db, 'c', [old, fresh, fresh], async (es) => void seen.push(...es.map((x) => x.id)))).toBe(1);
    expect(seen).toEqual([old.id, fresh.id]);
    expect(await ageOf(old.id)).toBeLessThan(1);
  });
});
