import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// SharedArrayBuffer (RAM and devices shared by the hart workers) needs a
// cross-origin isolated page: both headers on the dev and preview servers.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' },
  build: {
    // The page carries the machine (for its symbols and devices) and xterm: a large bundle is expected.
    chunkSizeWarningLimit: 1500,
    // The lab, and the page of `npm run bench:browser`.
    rolldownOptions: { input: { lab: 'index.html', bench: 'bench.html' } },
  },
});
