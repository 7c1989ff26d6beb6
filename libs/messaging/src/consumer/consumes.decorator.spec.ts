import { type BatchEvent, BATCH_EVENT_TYPES, type BatchEventType, type MessageOf } from '@trawl/contracts';
import { Consumes, CONSUMES_METADATA, type ConsumesOptions } from './consumes.decorator';
import { type Delivered } from './delivery';

// The typed handler API: these compile, and the @ts-expect-error ones must not (tsc checks specs too).

@Consumes({ group: 'one', topics: ['domainCommands'], types: ['domain.scrape'] })
class OneType implements Consumes<'domain.scrape'> {
  handle(message: MessageOf<'domain.scrape'>): Promise<void> {
    return Promise.resolve(void message.data.domain);
  }
}

@Consumes({ group: 'many', topics: ['batchEvents'], types: BATCH_EVENT_TYPES })
class ManyTypes implements Consumes<BatchEventType> {
  handle(event: BatchEvent): Promise<void> {
    return Promise.resolve(void event.batch_id);
  }

  handleBatch(messages: readonly Delivered<BatchEventType>[]): Promise<void> {
    // A union discriminated by type: narrowing needs no cast.
    for (const { message } of messages) if (message.type === 'domain.scraped') void message.data.pages;
    return Promise.resolve();
  }
}

// A handler taking fewer types than it is delivered does not compile...
// @ts-expect-error handle takes batch.requested only, but every batch event is delivered
@Consumes({ group: 'narrow', topics: ['batchEvents'], types: BATCH_EVENT_TYPES })
class _TooNarrow {
  handle(message: MessageOf<'batch.requested'>): Promise<void> {
    return Promise.resolve(void message);
  }
}

// ...nor one for another type than it names.
// @ts-expect-error handle takes domain.scrape, but batch.started is delivered
@Consumes({ group: 'other', topics: ['batchEvents'], types: ['batch.started'] })
class _OtherType {
  handle(message: MessageOf<'domain.scrape'>): Promise<void> {
    return Promise.resolve(void message);
  }
}

// ...nor a batch handler of other types.
// @ts-expect-error handleBatch takes domain.scrape deliveries
@Consumes({ group: 'batch', topics: ['batchEvents'], types: ['batch.started'] })
class _OtherBatch {
  handle(message: MessageOf<'batch.started'>): Promise<void> {
    return Promise.resolve(void message);
  }
  handleBatch(messages: readonly Delivered<'domain.scrape'>[]): Promise<void> {
    return Promise.resolve(void messages);
  }
}

describe('@Consumes', () => {
  it('records its options for the messaging module to find', () => {
    const options = Reflect.getMetadata(CONSUMES_METADATA, OneType) as ConsumesOptions;
    expect(options).toEqual({ group: 'one', topics: ['domainCommands'], types: ['domain.scrape'] });
    expect((Reflect.getMetadata(CONSUMES_METADATA, ManyTypes) as ConsumesOptions).types).toBe(BATCH_EVENT_TYPES);
  });
});
