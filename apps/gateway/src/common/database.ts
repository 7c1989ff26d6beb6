import { Inject, Injectable } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { DATA_SOURCE, ensureInitialized } from '@trawl/persistence';

/** Raw SQL on the shared DataSource, initialised on first use (a database down at boot is a 503, not a crash). */
@Injectable()
export class Database {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async source(): Promise<DataSource> {
    return ensureInitialized(this.dataSource);
  }

  /** Rows of a SELECT, or of a data-modifying statement with RETURNING wrapped in a CTE. */
  async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const dataSource = await this.source();
    return dataSource.query<T[]>(sql, params);
  }

  /** Runs a data-modifying statement; the number of rows it affected. */
  async execute(sql: string, params: unknown[] = []): Promise<number> {
    const runner = (await this.source()).createQueryRunner();
    try {
      const result = await runner.query(sql, params, true);
      return (result as { affected?: number }).affected ?? 0;
    } finally {
      await runner.release();
    }
  }
}
