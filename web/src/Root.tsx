import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { ServicesContext, type AppServices } from "./context";
import { App } from "./App";

/** React, Cloudscape and the app shell: a chunk main.tsx starts loading at once, beside config.json. */
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
