import type { Session } from '@shopify/shopify-api';
import type { AppDatabase } from './database.server';

/**
 * Shopify's session storage on the app's database, which opens (and, on PostgreSQL, migrates)
 * asynchronously: Shopify's library needs its storage when its module loads, before that.
 */
export function createLazySessionStorage(open: () => Promise<AppDatabase>) {
  const storage = async () => (await open()).sessionStorage;
  return {
    storeSession: async (session: Session) => (await storage()).storeSession(session),
    loadSession: async (id: string) => (await storage()).loadSession(id),
    deleteSession: async (id: string) => (await storage()).deleteSession(id),
    deleteSessions: async (ids: string[]) => (await storage()).deleteSessions(ids),
    findSessionsByShop: async (shop: string) => (await storage()).findSessionsByShop(shop),
  };
}
