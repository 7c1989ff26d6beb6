export * from './data-source';
export * from './entities/batch.entity';
export * from './entities/batch-domain.entity';
export * from './entities/page.entity';
export * from './entities/api-key.entity';
export * from './entities/batch-submission.entity';
export * from './persistence.module';
export * from './queries/processed-events';
