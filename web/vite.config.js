// Vite build of the web UI. `npm run build` writes web/dist, which the Rust
// binary embeds; the server answers index.html for every non-/api path, so the
// client router runs in HTML5 history mode with base '/'.
//
// Size: the benchmark sums every .js and .css of dist/assets, each gzipped (issue 9's
// target: ≤ 600 KB; README Performance has the figure). Hence:
// - Element Plus is not registered whole: unplugin-vue-components turns each <el-…> tag and
//   v-loading of a template into an import of that component from element-plus/es with its
//   CSS (element-plus/es/components/*/style/css); main.js brings the zh-CN locale and the
//   services called from scripts (ElMessage, ElMessageBox, ElLoading) with their CSS.
//   Scripts import what they call by name from 'element-plus' and '@element-plus/icons-vue'
//   (never the whole package, never all icons).
// - Routes are lazy (router.js) and their pages are bundled by menu area (codeSplitting
//   below): a chunk per page made 130 small files, each gzipped on its own, ~70 KB more. The first
//   page loads vendor + app (≈ 330 KB gzipped); the areas, ECharts and qrcode come when needed.
// - ECharts (tree-shaken echarts/core, EChart.vue) and qrcode are chunks of their own, loaded
//   only by the pages that draw charts or QR codes.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    Components({
      // Only Element Plus: the project's own components are imported by hand.
      dirs: [],
      dts: false,
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The vendor chunk (Vue, Vue Router, the Element Plus components in use) is ~750 kB minified.
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Libraries: the chart library and the QR encoder apart, the rest (every page needs it,
            // and it stays cached while only the pages change) in one chunk.
            { name: 'charts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 30 },
            { name: 'qrcode', test: /node_modules[\\/](qrcode|dijkstrajs)[\\/]/, priority: 30 },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 20 },
            // The pages by menu area, the pages alone (not what they import: that would pull the
            // layout, the router and the shared components into an area chunk every page loads).
            { name: 'warehouse', includeDependenciesRecursively: false, test: /src[\\/]views[\\/](Plaza|Listing|Approvals|Platform|Interests|Watches|Demand|Handover)/, priority: 10 },
            { name: 'ledger', includeDependenciesRecursively: false, test: /src[\\/]views[\\/](Card|Locations|Quality|Stocktake)/, priority: 10 },
            { name: 'admin', includeDependenciesRecursively: false, test: /src[\\/]views[\\/](Units|Users|Settings|Backups|Audit|Node|Exchange)/, priority: 10 },
            { name: 'reports', includeDependenciesRecursively: false, test: /src[\\/]views[\\/](Reports|Figures|Budget)/, priority: 10 },
            // What every page needs (layout, router, session, shared components): loaded with vendor on
            // the first page. The chart and QR components stay out, so ECharts and qrcode load only on
            // the pages that draw them.
            {
              name: 'app',
              test: (id) =>
                /src[\\/](components[\\/]|layouts[\\/]|App\.vue|[a-z]+\.js)/.test(id) &&
                !/src[\\/](components[\\/](EChart|ReportCharts|QrCode)\.vue|qr\.js)/.test(id),
              priority: 5,
            },
          ],
        },
      },
    },
  },
  server: {
    // `npm run dev` against a server started with `gongwucang serve --listen 127.0.0.1:8080`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
})
