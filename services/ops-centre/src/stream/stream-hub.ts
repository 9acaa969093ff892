import { Injectable } from '@nestjs/common';
import type { StreamItem } from './stream-item';

export type StreamListener = (item: StreamItem) => void;

/**
 * In-process fan-out of committed events to the open streams of this replica. Fed by StreamFanout
 * with what any replica committed, so a browser never sees an event the read model does not have,
 * and sees all of them whichever replica it is connected to.
 */
@Injectable()
export class StreamHub {
  private readonly listeners = new Set<StreamListener>();

  subscribe(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  publish(item: StreamItem): void {
    for (const listener of this.listeners) {
      try {
        listener(item);
      } catch {
        // One broken connection must not keep the event from the others.
      }
    }
  }
}
