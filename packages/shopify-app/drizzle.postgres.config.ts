import { defineConfig } from 'drizzle-kit';

// The PostgreSQL twin of drizzle.config.ts: `pnpm db:generate` writes both dialects' migrations.
export default defineConfig({
  dialect: 'postgresql',
  schema: './app/db/schema-postgres.ts',
  out: './drizzle-postgres',
});
