import { type DataSource } from 'typeorm';
import { type MessagingRuntime } from '@trawl/messaging';
import { type ReadinessCheck } from './readiness';

export function databaseCheck(dataSource: DataSource): ReadinessCheck {
  return {
    name: 'postgres',
    async check() {
      // Loaded on first use: a service without a database (the scraper) never loads TypeORM.
      const { ensureInitialized } = await import('@trawl/persistence');
      await ensureInitialized(dataSource);
      await dataSource.query('select 1');
      return { ready: true, detail: 'postgres: ok' };
    },
  };
}

export function kafkaCheck(runtime: MessagingRuntime): ReadinessCheck {
  return { name: 'kafka', check: () => Promise.resolve(runtime.readiness()) };
}
