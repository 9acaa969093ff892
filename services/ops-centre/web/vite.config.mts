import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { countryCodeRows } from './country-codes';

const here = path.dirname(fileURLToPath(import.meta.url));
const workspaceRoot = path.resolve(here, '../../..');

/**
 * `virtual:country-codes`: ISO numeric (the ids of world-atlas's TopoJSON) → alpha-3 and name (the
 * API's, @crisis-ops/geo's), computed at build time so the browser downloads nothing at run time.
 */
function countryCodes(): Plugin {
  const id = 'virtual:country-codes';
  return {
    name: 'country-codes',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      return `export default ${JSON.stringify(countryCodeRows())};`;
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react(), countryCodes()],
  build: {
    outDir: path.join(workspaceRoot, 'dist/services/ops-centre/web'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npx vite --config services/ops-centre/web/vite.config.mts` against a running ops-centre.
    proxy: Object.fromEntries(
      ['/stream', '/replay', '/me', '/risk', '/alerts', '/audit', '/countries', '/response-times', '/system', '/timeline'].map((p) => [
        p,
        { target: process.env.OPS_CENTRE_URL ?? 'http://127.0.0.1:8080' },
      ]),
    ),
  },
});
