import { useState } from 'preact/hooks';
import { type Api } from '../api/client';
import { ApiFailure, messageOf } from '../api/failure';
import { type BatchAccepted } from '../api/types';
import { parseDomainText } from '../format';
import { Alert } from './alert';

type Field = 'domains' | 'max_pages' | 'max_concurrent_jobs';
const FIELDS: Field[] = ['domains', 'max_pages', 'max_concurrent_jobs'];

/** A number field's value for the API: the number typed, or the text itself so the API names what is wrong. */
const numberOrText = (text: string): number | string => (/^\s*-?\d+\s*$/.test(text) ? Number(text) : text);

function FieldError({ field, errors }: { field: Field; errors: Partial<Record<Field, string>> }) {
  return (
    <p class="field-error" id={`${field}-error`} aria-live="assertive">
      {errors[field] ?? ''}
    </p>
  );
}

/** A labelled number input with the API's message for it beside it. */
function NumberField(props: {
  field: Field;
  label: string;
  value: string;
  onInput: (value: string) => void;
  errors: Partial<Record<Field, string>>;
}) {
  const { field, label, value, onInput, errors } = props;
  return (
    <div>
      <label for={field}>{label}</label>
      <input
        id={field}
        name={field}
        inputMode="numeric"
        value={value}
        aria-invalid={errors[field] ? 'true' : 'false'}
        aria-describedby={`${field}-error`}
        onInput={(event) => onInput(event.currentTarget.value)}
      />
      <FieldError field={field} errors={errors} />
    </div>
  );
}

/** Submits a batch: domains pasted or from a file, max_pages, max_concurrent_jobs; the API's errors beside each field. */
export function SubmitForm({ api, onSubmitted }: { api: Api; onSubmitted: (accepted: BatchAccepted) => void }) {
  const [domains, setDomains] = useState('');
  const [maxPages, setMaxPages] = useState('10');
  const [concurrency, setConcurrency] = useState('5');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const readFile = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setDomains(await file.text());
    setNotice(`Loaded ${file.name}.`);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    setNotice(null);
    try {
      const accepted = await api.json<BatchAccepted>('POST', '/api/v1/batches', {
        domains: parseDomainText(domains),
        max_pages: numberOrText(maxPages),
        max_concurrent_jobs: numberOrText(concurrency),
      });
      setNotice(`Batch ${accepted.batch_id} accepted: ${accepted.job_count} domains.`);
      setDomains('');
      onSubmitted(accepted);
    } catch (failure) {
      const fields = failure instanceof ApiFailure ? failure.fields : {};
      const known = Object.fromEntries(Object.entries(fields).filter(([field]) => FIELDS.includes(field as Field)));
      setErrors(known);
      const unplaced = Object.keys(known).length === 0;
      setFormError(unplaced ? messageOf(failure) : 'The batch was not accepted: see the messages beside the fields.');
    } finally {
      setBusy(false);
    }
  };

  const invalid = (field: Field) => (errors[field] ? 'true' : 'false');
  return (
    <section class="card" aria-labelledby="submit-title">
      <h2 id="submit-title">Submit a batch</h2>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label for="domains">Domains (one a line)</label>
        <textarea
          id="domains"
          name="domains"
          rows={6}
          value={domains}
          aria-invalid={invalid('domains')}
          aria-describedby="domains-error"
          onInput={(event) => setDomains(event.currentTarget.value)}
        />
        <FieldError field="domains" errors={errors} />
        <label for="domains-file">…or a file of domains</label>
        <input
          id="domains-file"
          type="file"
          accept=".txt,.csv,text/plain"
          onChange={(event) => void readFile(event.currentTarget)}
        />
        <div class="row">
          <NumberField
            field="max_pages"
            label="Max pages per domain (1–1000)"
            value={maxPages}
            onInput={setMaxPages}
            errors={errors}
          />
          <NumberField
            field="max_concurrent_jobs"
            label="Max concurrent jobs (1–100)"
            value={concurrency}
            onInput={setConcurrency}
            errors={errors}
          />
        </div>
        <Alert message={formError} />
        <Alert message={notice} kind="notice" />
        <button type="submit" disabled={busy}>
          {busy ? 'Submitting…' : 'Submit batch'}
        </button>
      </form>
    </section>
  );
}
