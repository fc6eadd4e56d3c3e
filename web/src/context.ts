import { createContext, useContext } from "react";
import type { Api } from "./api/client";
import type { Session } from "./auth/session";
import type { RuntimeConfig } from "./config";

export interface AppServices {
  config: RuntimeConfig;
  session: Session;
  api: Api;
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices outside ServicesContext");
  return services;
}

export function useApi(): Api {
  return useServices().api;
}
