import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Relative asset URLs: the same build works at the runner's `/`, behind CloudFront and inside
// Connect's iframe. `npm run dev` proxies the API to a running `make run`.
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 2000 },
  server: {
    proxy: Object.fromEntries(
      ["/cases", "/customers", "/tasks", "/task-templates", "/templates", "/fields", "/metrics", "/rules", "/sla-policies", "/users", "/contacts", "/config.json"].map(
        (path) => [path, "http://127.0.0.1:3000"],
      ),
    ),
  },
});
