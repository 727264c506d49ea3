import { type LoaderFunctionArgs, redirect } from 'react-router';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get('shop')) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
};

export default function Landing() {
  return (
    <main style={{ fontFamily: 'Inter, sans-serif', maxWidth: 640, margin: '4rem auto' }}>
      <h1>Backdrop for Shopify</h1>
      <p>
        Clean up your catalogue’s photos: remove or replace backgrounds, preview, approve, write back, revert.
      </p>
      <p>Open the app from your Shopify admin.</p>
    </main>
  );
}
