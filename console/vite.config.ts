import { defineConfig } from "vite";

// The console is served by the `console` function at /console, on the API's own origin:
// its requests carry the API's `token` cookie and need no CORS. `npm run dev` serves it
// with hot reload and passes every API path to a running scripts/dev (API_URL).
const api = process.env.API_URL ?? "http://127.0.0.1:9000";
const apiPaths = ["/v1", "/user", "/task", "/getTaskProcess"];

export default defineConfig({
  base: "/console/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Every file lands in dist/assets/ (one level): the function serves /console/assets/{file}.
    assetsDir: "assets",
    assetsInlineLimit: 0,
    target: "es2022",
  },
  server: {
    proxy: Object.fromEntries(apiPaths.map((path) => [path, { target: api, changeOrigin: false }])),
  },
});
