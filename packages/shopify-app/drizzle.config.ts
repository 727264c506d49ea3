import { defineConfig } from 'drizzle-kit';

// `pnpm db:generate` writes a new migration into drizzle/ (and drizzle-postgres/, from the twin
// schema) after app/db/schema.ts and app/db/schema-postgres.ts change; commit both.
export default defineConfig({
  dialect: 'sqlite',
  schema: './app/db/schema.ts',
  out: './drizzle',
});
