import { defineConfig } from 'drizzle-kit';

// `pnpm db:generate` writes a new migration into drizzle/ after app/db/schema.ts changes; commit it.
export default defineConfig({
  dialect: 'sqlite',
  schema: './app/db/schema.ts',
  out: './drizzle',
});
