import { type DataSource } from 'typeorm';
import { type MessagingRuntime } from '@trawl/messaging';
import { type ReadinessCheck } from './readiness';
import { describeFailure } from './readiness-words';

export function databaseCheck(dataSource: DataSource): ReadinessCheck {
  return {
    name: 'postgres',
    async check() {
      try {
        // Loaded on first use: a service without a database (the scraper) never loads TypeORM.
        const { ensureInitialized } = await import('@trawl/persistence');
        await ensureInitialized(dataSource);
        await dataSource.query('select 1');
        return { ready: true, detail: 'ok' };
      } catch (error) {
        return { ready: false, detail: describeFailure(error), cause: error };
      }
    },
  };
}

export function kafkaCheck(runtime: MessagingRuntime): ReadinessCheck {
  return {
    name: 'kafka',
    async check() {
      const state = await runtime.readiness();
      if (state.ready || state.cause === undefined) return state;
      return { ...state, detail: `${state.detail}: ${describeFailure(state.cause)}` };
    },
  };
}
