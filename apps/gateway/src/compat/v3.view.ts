import { acceptedReply } from '../batches/accepted.view';
import { type AcceptedBatch } from '../batches/batch-submission.service';
import { type BatchStatusDto } from '../batches/dto/batch-responses.dto';
import { type Reply } from '../http/reply';
import { type V3BatchAcceptedDto, type V3BatchStatusDto } from './v3.dto';

export const v3StatusUrl = (batchId: string) => `/api/v3/batch_page_scraper/batch/${batchId}/status`;

export function v3Accepted(batch: AcceptedBatch): Reply<V3BatchAcceptedDto> {
  return acceptedReply(batch, v3StatusUrl(batch.batchId));
}

/** Exactly the seed's fields, nothing more: v3 clients may compare key sets. */
export function v3Status(status: BatchStatusDto): V3BatchStatusDto {
  return {
    batch_id: status.batch_id,
    status: status.status,
    total_domains: status.total_domains,
    completed_domains: status.completed_domains,
    failed_domains: status.failed_domains,
    progress: status.progress,
    created_at: status.created_at,
    updated_at: status.updated_at,
    start_time: status.start_time,
    end_time: status.end_time,
    processing_time: status.processing_time,
    domain_statuses: status.domain_statuses,
    error: status.error,
    metadata: status.metadata,
  };
}
