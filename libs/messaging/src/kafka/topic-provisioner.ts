import { type Admin, ConfigResourceTypes } from 'kafkajs';
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

/** What a topic has on the broker, as far as Trawl configures it. */
export interface ObservedTopic {
  topic: string;
  partitions: number;
  configs: Record<string, string | undefined>;
}

/** One way an existing topic differs from the configuration, and what that means. */
export interface TopicDrift {
  topic: string;
  setting: 'partitions' | 'retention.ms' | 'max.message.bytes' | 'cleanup.policy';
  configured: string;
  actual: string;
  consequence: string;
}

const CONSEQUENCES: Record<TopicDrift['setting'], string> = {
  partitions:
    'the topic keeps its partition count (Trawl never repartitions a live topic); fewer partitions limit how many consumers share the work',
  'retention.ms':
    'replay reaches back only as far as the topic keeps events; processed-event bookkeeping is pruned on the configured retention',
  'max.message.bytes': 'the broker refuses messages over its own limit; results are cut to the configured size',
  'cleanup.policy': 'a compacted topic keeps only the last message per key: events would be lost to replay',
};

/** Pure: the differences between the topics as configured and as found. Missing topics are not drift. */
export function topicDrift(settings: TopicSettings, observed: readonly ObservedTopic[]): TopicDrift[] {
  const found = new Map(observed.map((topic) => [topic.topic, topic]));
  const drift: TopicDrift[] = [];
  for (const spec of topicSpecs(settings)) {
    const actual = found.get(spec.topic);
    if (!actual) continue;
    const differs = (setting: TopicDrift['setting'], configured: string, value: string | undefined) => {
      if (value !== undefined && value !== configured) {
        drift.push({ topic: spec.topic, setting, configured, actual: value, consequence: CONSEQUENCES[setting] });
      }
    };
    differs('partitions', String(spec.numPartitions), String(actual.partitions));
    for (const entry of spec.configEntries) {
      differs(entry.name as TopicDrift['setting'], entry.value, actual.configs[entry.name]);
    }
  }
  return drift;
}

async function observe(admin: Admin, topics: string[]): Promise<ObservedTopic[]> {
  const names = ['retention.ms', 'max.message.bytes', 'cleanup.policy'];
  const [metadata, configs] = await Promise.all([
    admin.fetchTopicMetadata({ topics }),
    admin.describeConfigs({
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: names })),
      includeSynonyms: false,
    }),
  ]);
  const configsOf = new Map(
    configs.resources.map((resource) => [
      resource.resourceName,
      Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
    ]),
  );
  return metadata.topics.map((topic) => ({
    topic: topic.name,
    partitions: topic.partitions.length,
    configs: configsOf.get(topic.name) ?? {},
  }));
}

/**
 * Creates the topics that are missing, with their configured settings, and reports how the
 * existing ones differ from the configuration (they are left as they are: changing partitions
 * or retention of a live log is an operator's decision).
 */
export async function ensureTopics(admin: Admin, settings: TopicSettings): Promise<TopicDrift[]> {
  const specs = topicSpecs(settings);
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
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
  const found = specs.filter((spec) => existing.has(spec.topic)).map((spec) => spec.topic);
  return found.length === 0 ? [] : topicDrift(settings, await observe(admin, found));
}
