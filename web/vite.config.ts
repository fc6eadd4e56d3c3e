import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

/** Names the workspace chunk in index.html (a module preload, its stylesheet preloaded), so it
 * downloads beside the boot instead of after it: main.tsx imports it dynamically, which lets the
 * boot run (and start the opened case's requests) before this larger chunk is parsed. */
function preloadWorkspace(): Plugin {
  return {
    name: "casetrail:preload-workspace",
    apply: "build", // the dev server serves modules one by one: nothing to preload
    transformIndexHtml: {
      order: "post",
      handler(_html, { bundle }) {
        const chunk = Object.values(bundle ?? {}).find((output) => output.type === "chunk" && output.name === "workspace");
        if (!chunk || chunk.type !== "chunk") throw new Error("no workspace chunk: see build.rolldownOptions");
        const css = [...(chunk.viteMetadata?.importedCss ?? [])];
        return [
          { tag: "link", attrs: { rel: "modulepreload", crossorigin: true, href: `./${chunk.fileName}` }, injectTo: "head" },
          ...css.map((file) => ({ tag: "link", attrs: { rel: "preload", as: "style", crossorigin: true, href: `./${file}` }, injectTo: "head" as const })),
        ];
      },
    },
  };
}

// Relative asset URLs: the same build works at the runner's `/`, behind CloudFront and inside
// Connect's iframe. `npm run dev` proxies the API to a running `make run`.
export default defineConfig({
  base: "./",
  plugins: [react(), preloadWorkspace()],
  build: {
    outDir: "dist",
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      output: {
        // The Amazon Connect SDK's chunks (split by the bundler on its own) named for what they are.
        chunkFileNames: ({ moduleIds }) =>
          moduleIds.some((id) => /node_modules[\\/]@amazon-connect[\\/]/.test(id)) ? "assets/connect-sdk-[hash].js" : "assets/[name]-[hash].js",
        // A few chunks, each group taking its modules with their dependencies (so the workspace never
        // imports the dashboard: no cycle): the boot (main.tsx and what it imports statically), the
        // workspace (React DOM, the Cloudscape that the shell and every page but the dashboard use,
        // the shell and those pages) and the dashboard with what only it uses (its charts). A group
        // takes its modules before the groups below it. The Connect SDK stays apart on its own
        // (bridge.ts imports it dynamically): only ever loaded inside Connect.
        codeSplitting: {
          groups: [
            { name: "boot", tags: ["$initial"], priority: 4 },
            { name: "workspace", test: /src[\\/](Root\.tsx|pages[\\/](case|my-work|find|sign-in)[\\/])/, priority: 3 },
            { name: "dashboard", test: /src[\\/]pages[\\/]dashboard[\\/]/, priority: 2 },
          ],
        },
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ["/cases", "/customers", "/tasks", "/task-templates", "/templates", "/fields", "/metrics", "/rules", "/sla-policies", "/users", "/contacts", "/config.json"].map(
        (path) => [path, "http://127.0.0.1:3000"],
      ),
    ),
  },
});
