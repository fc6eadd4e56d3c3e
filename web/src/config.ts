/** Runtime configuration, fetched once from `/config.json` (written next to the app when deployed,
 * served by the runner locally), so one build serves every stage. */
export interface RuntimeConfig {
  apiUrl: string;
  region?: string;
  userPoolId?: string;
  userPoolClientId?: string;
  cognitoEndpoint?: string;
}

export async function loadConfig(): Promise<RuntimeConfig> {
  const sameOrigin: RuntimeConfig = { apiUrl: "" };
  try {
    const response = await fetch("config.json"); // preloaded by index.html
    if (!response.ok) return sameOrigin;
    const config = (await response.json()) as RuntimeConfig;
    return { ...config, apiUrl: (config.apiUrl ?? "").replace(/\/$/, "") };
  } catch {
    // No config.json (a runner without sign-in): the API is on this origin, signed in with a key.
    return sameOrigin;
  }
}

export function usesCognito(config: RuntimeConfig): boolean {
  return Boolean(config.userPoolClientId && config.cognitoEndpoint);
}
