/**
 * Builds the dashboard into dist/ui, served by daca at /ui (see src/server/ui.ts).
 * `vite build --config web/vite.config.ts`; `vite --config web/vite.config.ts` for a dev server
 * that proxies /api to a running `daca up` (DACA_URL, default http://127.0.0.1:8700).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': process.env.DACA_URL ?? 'http://127.0.0.1:8700' },
  },
});
