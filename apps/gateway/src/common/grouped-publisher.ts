import { Injectable } from '@nestjs/common';
import { type AnyMessage, encodeMessage } from '@trawl/contracts';
import { MessagePublisher } from '@trawl/messaging';

const MAX_GROUP_MESSAGES = 200;
const MAX_GROUP_BYTES = 1024 * 1024;

interface Pending {
  messages: AnyMessage[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The idempotent producer has one request in flight at a time, so one Kafka round trip per HTTP
 * request would queue requests behind each other under load. Requests that arrive while a send is
 * in flight go out together in the next one; each still resolves only once Kafka acknowledged it.
 */
@Injectable()
export class GroupedPublisher {
  private readonly queue: Pending[] = [];
  private sending = false;

  constructor(private readonly publisher: MessagePublisher) {}

  publish(messages: AnyMessage[]): Promise<void> {
    const bytes = messages.reduce((total, message) => total + encodeMessage(message).length, 0);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, bytes, resolve, reject });
      void this.drain();
    });
  }

  private nextGroup(): Pending[] {
    const group: Pending[] = [];
    let count = 0;
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      const fits = count + next.messages.length <= MAX_GROUP_MESSAGES && bytes + next.bytes <= MAX_GROUP_BYTES;
      if (group.length > 0 && !fits) break;
      group.push(this.queue.shift()!);
      count += next.messages.length;
      bytes += next.bytes;
    }
    return group;
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const group = this.nextGroup();
        try {
          await this.publisher.publish(group.flatMap((pending) => pending.messages));
          for (const pending of group) pending.resolve();
        } catch (error) {
          for (const pending of group) pending.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
