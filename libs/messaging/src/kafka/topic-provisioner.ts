import { type Admin } from 'kafkajs';
import { TopicBase, topicName, type TopicRole } from '@trawl/contracts';

export interface TopicSettings {
  prefix: string;
  partitions: number;
  eventsRetentionMs: number;
  commandsRetentionMs: number;
  messageMaxBytes: number;
}

/** The topics Trawl needs, with partitions and retention from config. Safe to call from every service. */
export function topicSpecs(settings: TopicSettings) {
  const retention: Record<TopicRole, number> = {
    // The projection is rebuilt from batch events: keep them long enough to replay.
    batchEvents: settings.eventsRetentionMs,
    domainCommands: settings.commandsRetentionMs,
    deadLetter: settings.eventsRetentionMs,
  };
  return (Object.keys(TopicBase) as TopicRole[]).map((role) => ({
    topic: topicName(settings.prefix, role),
    numPartitions: settings.partitions,
    replicationFactor: -1,
    configEntries: [
      { name: 'retention.ms', value: String(retention[role]) },
      { name: 'max.message.bytes', value: String(settings.messageMaxBytes) },
      { name: 'cleanup.policy', value: 'delete' },
    ],
  }));
}

export async function ensureTopics(admin: Admin, settings: TopicSettings): Promise<void> {
  const specs = topicSpecs(settings);
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  } catch (error) {
    // Another service may have created some of them at the same moment.
    const { type, errors } = error as { type?: string; errors?: { type?: string }[] };
    const raced =
      type === 'TOPIC_ALREADY_EXISTS' || (errors?.length && errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS'));
    if (!raced) throw error;
  }
}
