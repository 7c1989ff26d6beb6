import { once } from 'node:events';
import { type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { type Response } from 'express';
import { type DomainExtraction } from '@trawl/contracts';
import { LOG, type Log } from '@trawl/telemetry';
import { Database } from '../common/database';
import { BatchReadsService } from './batch-reads.service';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Rows fetched per query: the export's memory does not grow with the batch. */
const PAGE_ROWS = 1_000;

interface ExportSourceRow {
  ordinal: number;
  domain: string;
  status: string;
  attempt: number;
  deliveries: number;
  pages_scraped: number;
  error_class: string | null;
  error_message: string | null;
  extraction: DomainExtraction | null;
  title: string | null;
  description: string | null;
}

/** One domain of an export: what a spreadsheet or a script wants of it. */
export interface ExportRow {
  domain: string;
  status: string;
  attempts: number;
  deliveries: number;
  pages: number;
  error_class: string | null;
  error_message: string | null;
  title: string | null;
  description: string | null;
  emails: string[];
  phones: string[];
  socials: string[];
  technologies: string[];
}

export const EXPORT_COLUMNS: (keyof ExportRow)[] = [
  'domain',
  'status',
  'attempts',
  'deliveries',
  'pages',
  'error_class',
  'error_message',
  'title',
  'description',
  'emails',
  'phones',
  'socials',
  'technologies',
];

export function exportRow(row: ExportSourceRow): ExportRow {
  const extraction = row.extraction;
  return {
    domain: row.domain,
    status: row.status,
    attempts: row.attempt,
    deliveries: row.deliveries,
    pages: row.pages_scraped,
    error_class: row.error_class,
    error_message: row.error_message,
    title: row.title,
    description: row.description,
    emails: extraction?.emails ?? [],
    phones: extraction?.phones ?? [],
    socials: (extraction?.socials ?? []).map((social) => social.url),
    technologies: extraction?.technologies ?? [],
  };
}

/** A CSV cell of a list: its items joined by "; " (quoting is the CSV writer's). */
const listCell = (items: string[]) => items.join('; ');

/**
 * Streams a batch's domains as CSV or JSON Lines, in submission order, a page of rows at a time
 * with the response's back-pressure, so a 10,000-domain batch costs the gateway no more memory
 * than a 10-domain one. Title and description are the start page's.
 */
@Injectable()
export class BatchExportService {
  constructor(
    private readonly database: Database,
    private readonly reads: BatchReadsService,
    @Inject(LOG) private readonly log: Log,
  ) {}

  async export(tenant: string, batchId: string, format: ExportFormat, response: Response): Promise<void> {
    await this.reads.batchState(tenant, batchId); // 404 before any byte is sent
    response.status(200);
    response.setHeader(
      'content-type',
      format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/x-ndjson; charset=utf-8',
    );
    response.setHeader('content-disposition', `attachment; filename="trawl-batch-${batchId}.${format}"`);
    const csv =
      format === 'csv'
        ? stringify({ header: true, columns: EXPORT_COLUMNS, escape_formulas: true, record_delimiter: '\r\n' })
        : undefined;
    const sink: Writable = csv ?? response;
    if (csv) csv.pipe(response);
    try {
      for (let after = -1; ;) {
        const rows = await this.page(batchId, after);
        for (const source of rows) {
          const row = exportRow(source);
          const accepted = csv
            ? csv.write({
                ...row,
                emails: listCell(row.emails),
                phones: listCell(row.phones),
                socials: listCell(row.socials),
                technologies: listCell(row.technologies),
              })
            : response.write(`${JSON.stringify(row)}\n`);
          if (!accepted) await Promise.race([once(sink, 'drain'), once(response, 'close')]);
          if (response.destroyed) return; // the client went away: stop reading
        }
        if (rows.length < PAGE_ROWS) break;
        after = rows[rows.length - 1]!.ordinal;
      }
      if (csv) csv.end();
      else response.end();
      await finished(response);
    } catch (error) {
      // The status line went out with the first bytes: all that is left is to cut the download short.
      this.log.error({ err: error, batch_id: batchId }, 'export failed while streaming; response cut short');
      response.destroy(error as Error);
    }
  }

  private page(batchId: string, afterOrdinal: number): Promise<ExportSourceRow[]> {
    return this.database.rows<ExportSourceRow>(
      `select d.ordinal, d.domain, d.status, d.attempt, d.deliveries, d.pages_scraped, d.error_class, d.error_message,
              d.extraction, p.title, p.description
       from batch_domains d
       left join pages p on p.batch_id = d.batch_id and p.domain = d.domain and p.position = 0
       where d.batch_id = $1 and d.ordinal > $2
       order by d.ordinal limit $3`,
      [batchId, afterOrdinal, PAGE_ROWS],
    );
  }
}
