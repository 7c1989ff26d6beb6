import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api/client';
import { parseRoute, type Route } from './route';
import { forgetKey, storedKey, storeKey } from './session';
import { BatchDetail } from './views/batch-detail';
import { BatchesPage } from './views/batches-page';
import { DomainPages } from './views/domain-pages';
import { SignIn } from './views/sign-in';
import { TraceView } from './views/trace-view';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

function Page({ api, route }: { api: Api; route: Route }) {
  switch (route.page) {
    case 'batches':
      return <BatchesPage api={api} />;
    case 'batch':
      return <BatchDetail api={api} id={route.id} />;
    case 'domain':
      return <DomainPages api={api} id={route.id} domain={route.domain} />;
    case 'trace':
      return <TraceView api={api} id={route.id} />;
  }
}

export function App() {
  const [key, setKey] = useState(storedKey);
  const route = useRoute();
  const api = useMemo(() => (key ? new Api(key) : null), [key]);
  const signOut = () => {
    forgetKey();
    setKey(null);
  };
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          Trawl
        </a>
        {api && (
          <nav aria-label="Main">
            <a href="#/">Batches</a>
            <a href="/docs">API docs</a>
            <button type="button" class="link" onClick={signOut}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main>
        {api ? (
          <Page api={api} route={route} />
        ) : (
          <SignIn
            onSignedIn={(value) => {
              storeKey(value);
              setKey(value);
            }}
          />
        )}
      </main>
    </>
  );
}
