import { type Kafka } from 'kafkajs';
import { type Log } from '@trawl/telemetry';

/** The parts of kafkajs's internal cluster and broker objects this uses. */
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(options: { groupId: string }): Promise<{
    leaveGroup(options: { groupId: string; memberId: string }): Promise<unknown>;
  }>;
}

/**
 * kafkajs has no static membership (KIP-345), so a process killed without leaving its group
 * keeps its partitions until its session times out (30 s by default), and its successor waits.
 * This is the same effect by other means: a process with a stable instance id (its Kafka client
 * id ends with it) asks the group coordinator, before joining, to remove the members its earlier
 * incarnation left behind (same client id), as LeaveGroup does on a clean stop. The coordinator
 * accepts a LeaveGroup for any member id of the group; kafkajs exposes no call for it, so its
 * internal cluster is used, which is why this is kept small and alone.
 */
export async function takeOverGroupMembership(
  kafka: Kafka,
  groupId: string,
  clientId: string,
  log: Log,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  let stale: string[];
  try {
    const { groups } = await admin.describeGroups([groupId]);
    stale = (groups[0]?.members ?? [])
      .filter((member) => member.clientId === clientId)
      .map((member) => member.memberId);
  } finally {
    await admin.disconnect();
  }
  if (stale.length === 0) return 0;
  const createCluster = Object.getOwnPropertySymbols(kafka)
    .filter((symbol) => symbol.description === 'private:Kafka:createCluster')
    .map((symbol) => (kafka as unknown as Record<symbol, unknown>)[symbol])[0] as
    ((options: Record<string, never>) => InternalCluster) | undefined;
  if (!createCluster) {
    log.warn({ group: groupId }, 'cannot remove stale members: this kafkajs has no internal cluster factory');
    return 0;
  }
  const cluster = createCluster({});
  await cluster.connect();
  try {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    for (const memberId of stale) await coordinator.leaveGroup({ groupId, memberId });
  } finally {
    await cluster.disconnect();
  }
  log.info(
    { group: groupId, client_id: clientId, members: stale.length },
    'removed the members a previous run of this instance left in the group',
  );
  return stale.length;
}
