// Vite build of the web UI. `npm run build` writes web/dist, which the Rust
// binary embeds; the server answers index.html for every non-/api path, so the
// client router runs in HTML5 history mode with base '/'.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Element Plus imported whole is one large chunk; that is expected here.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev` against a server started with `gongwucang serve --listen 127.0.0.1:8080`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
})
