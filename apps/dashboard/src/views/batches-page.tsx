import { useState } from 'preact/hooks';
import { type Api } from '../api/client';
import { type BatchAccepted } from '../api/types';
import { BatchList } from './batch-list';
import { SubmitForm } from './submit-form';

/** The home page: the submission form and the batch list (which shows a just-submitted batch at once). */
export function BatchesPage({ api }: { api: Api }) {
  const [submitted, setSubmitted] = useState<BatchAccepted[]>([]);
  return (
    <div class="columns">
      <SubmitForm api={api} onSubmitted={(accepted) => setSubmitted((list) => [accepted, ...list])} />
      <BatchList api={api} submitted={submitted} />
    </div>
  );
}
