import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { ServicesContext, type AppServices } from "./context";
import { App } from "./App";

/** React, Cloudscape and the app shell: the workspace chunk (with every page but the dashboard),
 * which index.html preloads beside the boot, and main.tsx imports once it started the case's requests. */
export function render(services: AppServices, queryClient: QueryClient): void {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <ServicesContext.Provider value={services}>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </ServicesContext.Provider>
    </StrictMode>,
  );
}
