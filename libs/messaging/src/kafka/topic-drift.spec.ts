import { type ObservedTopic, topicDrift, type TopicSettings } from './topic-provisioner';

const settings: TopicSettings = {
  prefix: 't.',
  partitions: 6,
  eventsRetentionMs: 1_000,
  commandsRetentionMs: 500,
  messageMaxBytes: 2_048,
};

const asConfigured = (topic: string, retentionMs: number): ObservedTopic => ({
  topic,
  partitions: 6,
  configs: { 'retention.ms': String(retentionMs), 'max.message.bytes': '2048', 'cleanup.policy': 'delete' },
});

describe('topic drift', () => {
  const configured = [
    asConfigured('t.batch-events', 1_000),
    asConfigured('t.domain-commands', 500),
    asConfigured('t.dead-letter', 1_000),
  ];

  it('is none when the topics are as configured, or not there yet', () => {
    expect(topicDrift(settings, configured)).toEqual([]);
    expect(topicDrift(settings, [])).toEqual([]);
  });

  it('names each setting that differs, both values and the consequence', () => {
    const found = [
      { ...configured[0]!, partitions: 3, configs: { ...configured[0]!.configs, 'cleanup.policy': 'compact' } },
      { ...configured[1]!, configs: { ...configured[1]!.configs, 'retention.ms': '100' } },
      configured[2]!,
    ];
    const drift = topicDrift(settings, found);
    expect(drift.map(({ topic, setting, configured: want, actual }) => [topic, setting, want, actual])).toEqual([
      ['t.batch-events', 'partitions', '6', '3'],
      ['t.batch-events', 'cleanup.policy', 'delete', 'compact'],
      ['t.domain-commands', 'retention.ms', '500', '100'],
    ]);
    expect(drift[1]!.consequence).toMatch(/compacted/);
  });

  it('does not guess a setting the broker did not report', () => {
    expect(topicDrift(settings, [{ topic: 't.batch-events', partitions: 6, configs: {} }])).toEqual([]);
  });
});
