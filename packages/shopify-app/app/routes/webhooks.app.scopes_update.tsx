import type { ActionFunctionArgs } from 'react-router';
import { authenticate, sessionStorage } from '../shopify.server';

/** The merchant granted or revoked scopes: the stored session says what the app may now do. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { payload, session } = await authenticate.webhook(request);
  const current = (payload as { current?: string[] }).current;
  if (session && Array.isArray(current)) {
    session.scope = current.join(',');
    await sessionStorage.storeSession(session);
  }
  return new Response();
};
