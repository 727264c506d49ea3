import { AppProvider } from '@shopify/shopify-app-react-router/react';
import { boundary } from '@shopify/shopify-app-react-router/server';
import type { HeadersFunction, LoaderFunctionArgs } from 'react-router';
import { Link, Outlet, useLoaderData, useRouteError } from 'react-router';
import { authenticate } from '../shopify.server';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return { apiKey: process.env.SHOPIFY_API_KEY || '', demo: process.env.BACKDROP_DEMO === '1' };
};

export default function App() {
  const { apiKey, demo } = useLoaderData<typeof loader>();
  return (
    // The demo runs outside the Shopify admin: a local stand-in for App Bridge, and plain links.
    <AppProvider embedded={!demo} apiKey={apiKey}>
      {demo ? (
        <nav style={{ display: 'flex', gap: 16, padding: '8px 16px', borderBottom: '1px solid #e3e3e3' }}>
          <strong>Backdrop demo (fake shop, local engine)</strong>
          <Link to="/app">History</Link>
          <Link to="/app/products">Products</Link>
          <Link to="/app/settings">Settings</Link>
        </nav>
      ) : null}
      <s-app-nav>
        <s-link href="/app">History</s-link>
        <s-link href="/app/products">Products</s-link>
        <s-link href="/app/settings">Settings</s-link>
      </s-app-nav>
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs React Router to catch some thrown responses, so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
