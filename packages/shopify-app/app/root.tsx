import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData } from 'react-router';

export const loader = () => ({ demo: process.env.BACKDROP_DEMO === '1' });

export default function App() {
  const { demo } = useLoaderData<typeof loader>();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <link rel="stylesheet" href="https://cdn.shopify.com/static/fonts/inter/v4/styles.css" />
        {/* Demo only: App Bridge's stand-in must exist before the app hydrates. */}
        {demo ? <script src="/demo-app-bridge.js" /> : null}
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
