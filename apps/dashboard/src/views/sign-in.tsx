import { useState } from 'preact/hooks';
import { Api } from '../api/client';
import { messageOf } from '../api/failure';
import { Alert } from './alert';

/** Asks for an API key and checks it against the API before keeping it. */
export function SignIn({ onSignedIn }: { onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const value = key.trim();
    if (value === '') {
      setError('Enter an API key (npx trawl keys create --tenant NAME prints one).');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await new Api(value).get('/api/v1/batches?limit=1');
      onSignedIn(value);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          value={key}
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby="api-key-error api-key-help"
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <p class="help" id="api-key-help">
          Kept in this tab only (sessionStorage) and sent as <code>Authorization: Bearer</code>.
        </p>
        <Alert message={error} id="api-key-error" />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
