import { eq } from 'drizzle-orm';
import type { AppDatabase } from '../db/database.server';
import type { ShopSettingsRow } from '../db/schema';
import { operationChoices, type ProviderChoice, providerChoices } from '../processing/operation-settings';

export type ShopSettings = Omit<ShopSettingsRow, 'shop' | 'updatedAt'>;

export async function readShopSettings(database: AppDatabase, shop: string): Promise<ShopSettings> {
  const { shopSettingsTable } = database.tables;
  const [row] = await database.db.select().from(shopSettingsTable).where(eq(shopSettingsTable.shop, shop));
  return row
    ? {
        provider: row.provider,
        operation: row.operation,
        color: row.color,
        includeAllImages: row.includeAllImages,
      }
    : { provider: 'auto', operation: 'remove-transparent', color: '#ffffff', includeAllImages: false };
}

/** Parses the settings form; a bad field is named with what was wrong. */
export function parseShopSettings(form: FormData): ShopSettings {
  const provider = String(form.get('provider') ?? 'auto');
  if (!providerChoices.includes(provider as ProviderChoice))
    throw new Error(`provider: must be one of ${providerChoices.join(', ')}; got "${provider}"`);
  const operation = String(form.get('operation') ?? 'remove-transparent');
  if (!(operationChoices as readonly string[]).includes(operation))
    throw new Error(`operation: must be one of ${operationChoices.join(', ')}; got "${operation}"`);
  const color = String(form.get('color') ?? '#ffffff').toLowerCase();
  if (!/^#[0-9a-f]{6}$/.test(color)) throw new Error(`color: must be a colour like #ffffff; got "${color}"`);
  const includeAllImages = ['on', 'true', '1'].includes(String(form.get('includeAllImages') ?? ''));
  return { provider, operation, color, includeAllImages };
}

export async function saveShopSettings(
  database: AppDatabase,
  shop: string,
  settings: ShopSettings,
): Promise<void> {
  const { shopSettingsTable } = database.tables;
  const values = { ...settings, shop, updatedAt: new Date() };
  await database.db
    .insert(shopSettingsTable)
    .values(values)
    .onConflictDoUpdate({ target: shopSettingsTable.shop, set: values });
}

/** shop/redact: settings and any session left. */
export async function deleteShopData(database: AppDatabase, shop: string): Promise<void> {
  const { shopSettingsTable, sessionTable } = database.tables;
  await database.db.delete(shopSettingsTable).where(eq(shopSettingsTable.shop, shop));
  await database.db.delete(sessionTable).where(eq(sessionTable.shop, shop));
}
