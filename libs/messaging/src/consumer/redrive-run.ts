import type { Kafka, Producer } from 'kafkajs';
import { dlqTopicOf } from '@crisis-ops/contracts';
import { isTooOldToRedrive, readDeadLetters, type DeadLetter } from './dead-letters';
import { claimRedrive } from './redrive-claim';
import { planRedrive, type RedrivePlan } from './redrive-plan';
import { confirmInterrupted, forgetGoneLetters, recordRedriven, redrive } from './redrive';

/** What a redrive of a topic did. */
export interface RedriveReport extends Omit<RedrivePlan, 'send' | 'begun'> {
  /** Copies sent now. */
  readonly sent: number;
  /** Letters a redrive cut short had sent back after all (their copies were on the topic): recorded as redriven, not sent again. */
  readonly confirmed: readonly DeadLetter[];
  /** Of the letters a redrive cut short, those whose copy had not gone: sent now (or, too old now, in tooOld). */
  readonly resumed: readonly DeadLetter[];
  /** Redrive records tombstoned, of letters the dead-letter topics no longer keep (forgetGoneLetters); null: not done this time (why). */
  readonly forgotten: number | { readonly failed: string };
}

/**
 * A redrive of one domain topic's dead letters, whole: claims the topic (claimRedrive: one redrive
 * at a time, or RedriveClaimedError), then reads the letters (after the claim, so that a redrive
 * ended just before is read as done), checks on the topic the letters a redrive cut short began,
 * sends what is to send (stopping before a send once the claim has been held too long), forgets the
 * records of letters gone from the dead-letter topics, and releases the claim.
 */
export async function redriveTopic(
  kafka: Kafka,
  producer: Producer,
  topic: string,
  ask: { readonly ids: readonly string[] } | { readonly all: true },
  now: () => Date = () => new Date(),
): Promise<RedriveReport> {
  const claim = await claimRedrive(kafka, producer, dlqTopicOf(topic), () => now().getTime());
  try {
    const letters = await readDeadLetters(kafka, [topic]);
    const plan = planRedrive(letters, ask, now());
    const { sent: confirmed, notSent } = await confirmInterrupted(kafka, plan.begun);
    if (confirmed.length) await recordRedriven(producer, confirmed, now());
    const resumed = notSent.filter((l) => !isTooOldToRedrive(l, now()));
    const tooOld = [...plan.tooOld, ...notSent.filter((l) => isTooOldToRedrive(l, now()))];
    const sent = await redrive(producer, [...plan.send, ...resumed], { beforeSend: () => claim.assertHeld() });
    // Housekeeping: its failure takes nothing from the redrive done, and is tried again next time.
    const forgotten = await forgetGoneLetters(kafka, producer).catch((err: Error) => ({ failed: err.message }));
    return { sent, missing: plan.missing, alreadyRedriven: plan.alreadyRedriven, tooOld, cut: plan.cut, confirmed, resumed, forgotten };
  } finally {
    await claim.release();
  }
}
