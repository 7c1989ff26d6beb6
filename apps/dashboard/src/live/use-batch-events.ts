import { useEffect, useRef, useState } from 'preact/hooks';
import { type Api } from '../api/client';
import { followBatch } from './batch-stream';
import { type BatchEvent, nextProgress, type Progress } from './progress';

/**
 * Follows a batch's event stream while `live` is true: the latest counts, and any stream trouble.
 * `onEvent` sees every event (e.g. domain changes); it may change between renders.
 */
export function useBatchEvents(
  api: Api,
  batchId: string,
  live: boolean,
  onEvent?: (event: BatchEvent) => void,
): { progress: Progress | undefined; trouble: string | undefined } {
  const [progress, setProgress] = useState<Progress | undefined>(undefined);
  const [trouble, setTrouble] = useState<string | undefined>(undefined);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!live) return undefined;
    return followBatch(api, batchId, {
      onEvent: (event) => {
        setProgress((current) => nextProgress(current, event));
        handler.current?.(event);
      },
      onTrouble: setTrouble,
    });
  }, [api, batchId, live]);
  return { progress, trouble };
}
