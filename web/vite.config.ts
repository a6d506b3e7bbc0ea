/**
 * Builds the dashboard (web/src) into web/dist: `vite build web` from the package root.
 * Relative asset URLs (`base: './'`) so the server may serve it under any path; no CDN.
 * uPlot goes into its own chunk (loaded with the first time series), so the figures paint
 * before the charting code has even been parsed.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 4096,
    reportCompressedSize: false,
  },
  // `npx vite web` for development: the API of a `tokenledger serve` on the default port.
  server: {
    proxy: { '/analytics': process.env['TOKENLEDGER_URL'] ?? 'http://127.0.0.1:8787' },
  },
});
