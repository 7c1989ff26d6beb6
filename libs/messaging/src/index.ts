export * from './errors';
export * from './kafka/kafka-client';
export * from './kafka/topic-provisioner';
export * from './publisher/message-publisher';
export * from './consumer/message-consumer';
export * from './consumer/consumes.decorator';
export * from './messaging.module';
