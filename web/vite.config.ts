/**
 * Builds the dashboard (web/src) into web/dist: `vite build web` from the package root.
 * Relative asset URLs (`base: './'`) so the server may serve it under any path; no CDN.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Small enough to inline nothing but tiny assets; one JS and one CSS file.
    assetsInlineLimit: 4096,
    reportCompressedSize: false,
  },
});
