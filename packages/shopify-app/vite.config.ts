import { reactRouter } from '@react-router/dev/vite';
import { defineConfig, type UserConfig } from 'vite';

// The Shopify CLI passes HOST; React Router's dev server wants SHOPIFY_APP_URL (as in Shopify's template).
if (process.env.HOST && (!process.env.SHOPIFY_APP_URL || process.env.SHOPIFY_APP_URL === process.env.HOST)) {
  process.env.SHOPIFY_APP_URL = process.env.HOST;
  delete process.env.HOST;
}
const host = new URL(process.env.SHOPIFY_APP_URL || 'http://localhost').hostname;

export default defineConfig({
  server: {
    allowedHosts: [host],
    cors: { preflightContinue: true },
    port: Number(process.env.PORT || 3000),
    hmr:
      host === 'localhost'
        ? { protocol: 'ws', host: 'localhost', port: 64999, clientPort: 64999 }
        : { protocol: 'wss', host, port: Number(process.env.FRONTEND_PORT) || 8002, clientPort: 443 },
    fs: { allow: ['app', 'node_modules'] },
  },
  plugins: [reactRouter()],
  // Backdrop's packages are built ESM with native dependencies (sharp, onnxruntime, undici): the
  // server loads them from node_modules instead of bundling them.
  ssr: {
    external: [
      '@backdrop/core',
      '@backdrop/fal-adapter',
      '@backdrop/inferencesh-adapter',
      '@backdrop/local-adapter',
    ],
  },
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ['@shopify/app-bridge-react'] },
}) satisfies UserConfig;
