import type { ActionFunctionArgs } from 'react-router';
import { authenticate } from '../shopify.server';

/** Compliance: Backdrop stores no customer data (only product images and shop settings); nothing to report. */
export const action = async ({ request }: ActionFunctionArgs) => {
  await authenticate.webhook(request);
  return new Response();
};
