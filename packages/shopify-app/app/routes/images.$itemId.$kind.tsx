import { eq } from 'drizzle-orm';
import type { LoaderFunctionArgs } from 'react-router';
import { readEnvironment } from '../config.server';
import { database } from '../db/app-database.server';
import { verifyImageLink } from '../media/image-links.server';

/** An item's kept original or its result, behind a signed link (see image-links.server.ts). */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { itemId = '', kind = '' } = params;
  if (!verifyImageLink(readEnvironment().apiSecretKey, itemId, kind, new URL(request.url)))
    return new Response('This image link is invalid or has expired', { status: 403 });
  const { db, tables } = await database();
  const [item] = await db.select().from(tables.jobItemsTable).where(eq(tables.jobItemsTable.id, itemId));
  const bytes = kind === 'result' ? item?.resultBytes : item?.originalBytes;
  const contentType = kind === 'result' ? item?.resultContentType : item?.originalContentType;
  if (!bytes) return new Response('Not found', { status: 404 });
  return new Response(new Uint8Array(bytes), {
    headers: {
      'content-type': contentType ?? 'application/octet-stream',
      'cache-control': 'private, max-age=3600',
    },
  });
};
