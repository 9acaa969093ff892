import { describe, expect, it } from 'vitest';
import { EventIntake } from '../../web/src/event-intake';

/** What the live store keeps of what arrives, as live-store.ts uses it: the live pane's lists. */
describe("the console's live list and a replay", () => {
  const KEEP = 500;
  const event = (id: string) => ({ id });
  const ids = (items: readonly { id: string }[]) => items.map((e) => e.id);
  const NOW = 1_000_000;

  /** Five live events listed, as the officer sees them before replaying. */
  function fiveLive() {
    const intake = new EventIntake<{ id: string }>(KEEP, 5_000, KEEP);
    for (let i = 1; i <= 5; i++) intake.addLive(event(`live-${i}`), NOW);
    const live = intake.flush([], KEEP);
    return { intake, live };
  }

  it('keeps the newest live events listed, on top, however much a replay brings', () => {
    const { intake, live } = fiveLive();
    expect(ids(live)).toEqual(['live-5', 'live-4', 'live-3', 'live-2', 'live-1']);
    intake.startReplay('2026-11-28T01:00:00.000Z');
    // 10,000 events from two hours ago, in the order they were published, over several renders.
    for (let i = 1; i <= 10_000; i++) {
      intake.addReplayed(event(`history-${i}`));
      if (i % 2_500 === 0) expect(ids(intake.flush(live, KEEP))).toEqual(ids(live));
    }
    // They were listed above the live events as if newest, and the cut at 500 dropped the live ones.
    expect(ids(intake.flush(live, KEEP))).toEqual(['live-5', 'live-4', 'live-3', 'live-2', 'live-1']);
    // The replay's own list: the newest it brought first, as many as it keeps.
    expect(intake.replayed).toHaveLength(KEEP);
    expect(ids(intake.replayed.slice(0, 2))).toEqual(['history-10000', 'history-9999']);
    expect(intake.replayed.at(-1)?.id).toBe('history-9501');
    expect(intake.replayedCount).toBe(10_000);
  });

  it('counts only live events as received and in the rate', () => {
    const { intake } = fiveLive();
    intake.startReplay('2026-11-28T01:00:00.000Z');
    for (let i = 1; i <= 300; i++) intake.addReplayed(event(`history-${i}`));
    expect(intake.received).toBe(5);
    expect(intake.rate(NOW + 500)).toBe(5);
    expect(intake.waiting('live')).toHaveLength(0);
    expect(intake.waiting('replayed')).toHaveLength(300);
  });

  it('lists a live event that arrives during a replay on top of the live list, not among the history', () => {
    const { intake, live } = fiveLive();
    intake.startReplay('2026-11-28T01:00:00.000Z');
    intake.addReplayed(event('history-1'));
    intake.addLive(event('live-6'), NOW);
    intake.addReplayed(event('history-2'));
    expect(ids(intake.flush(live, KEEP))).toEqual(['live-6', 'live-5', 'live-4', 'live-3', 'live-2', 'live-1']);
    expect(ids(intake.replayed)).toEqual(['history-2', 'history-1']);
  });

  it('replays what came live too, each event once, and a new replay starts its list again', () => {
    const { intake, live } = fiveLive();
    intake.startReplay('2026-11-28T01:00:00.000Z');
    // An event published twice (relays publish at least once) is listed once.
    for (const id of ['history-1', 'live-1', 'history-1', 'live-2']) intake.addReplayed(event(id));
    intake.flush(live, KEEP);
    expect(ids(intake.replayed)).toEqual(['live-2', 'live-1', 'history-1']);
    expect(intake.replayedCount).toBe(3);
    intake.startReplay('2026-11-28T02:00:00.000Z');
    intake.addReplayed(event('live-1'));
    intake.flush(live, KEEP);
    expect(ids(intake.replayed)).toEqual(['live-1']);
    expect(intake.replayFrom).toBe('2026-11-28T02:00:00.000Z');
  });

  it('still drops repeats of live events (a reconnect catching up) and cuts the live list at keep', () => {
    const { intake, live } = fiveLive();
    expect(intake.addLive(event('live-5'), NOW)).toBe(false);
    for (let i = 6; i <= 8; i++) intake.addLive(event(`live-${i}`), NOW);
    expect(ids(intake.flush(live, 4))).toEqual(['live-8', 'live-7', 'live-6', 'live-5']);
    expect(intake.received).toBe(8);
  });
});
