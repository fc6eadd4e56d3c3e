import "@cloudscape-design/global-styles/index.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createApi } from "./api/client";
import { Session } from "./auth/session";
import { loadConfig } from "./config";
import { ServicesContext } from "./context";
import { App } from "./App";

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true, staleTime: 10_000 } },
});

loadConfig().then((config) => {
  const session = new Session(config);
  const api = createApi(config.apiUrl || window.location.origin, session);
  session.subscribe(() => queryClient.clear());
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <ServicesContext.Provider value={{ config, session, api }}>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </ServicesContext.Provider>
    </StrictMode>,
  );
});
