/** The one place that knows how this tab is signed in: a Cognito user (ID token, refreshed before
 * it expires) or, on a runner without sign-in, an API key. Everything else asks `bearer()`. */
import type { RuntimeConfig } from "../config";
import { usesCognito } from "../config";
import { claimsOf, refresh, signInWithPassword, type Tokens } from "./cognito";

const STORAGE_KEY = "casetrail.session";
const REFRESH_MARGIN_MS = 60_000;

type Stored = { kind: "cognito"; tokens: Tokens } | { kind: "apiKey"; apiKey: string };

export interface Identity {
  name: string;
  email?: string;
  tenant?: string;
}

export class Session {
  private stored: Stored | null;
  private refreshing: Promise<void> | null = null;
  private listeners = new Set<() => void>();

  constructor(private readonly config: RuntimeConfig) {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    this.stored = raw ? (JSON.parse(raw) as Stored) : null;
  }

  get signedIn(): boolean {
    return this.stored !== null;
  }

  get method(): "cognito" | "apiKey" {
    return usesCognito(this.config) ? "cognito" : "apiKey";
  }

  /** Who the token says (for the header); the API's `/users/me` has the authoritative profile. */
  get identity(): Identity | null {
    if (!this.stored) return null;
    if (this.stored.kind === "apiKey") return { name: "API key" };
    const claims = claimsOf(this.stored.tokens.idToken);
    return {
      name: String(claims.name ?? claims.email ?? claims["cognito:username"] ?? "Signed in"),
      email: claims.email ? String(claims.email) : undefined,
      tenant: claims["custom:tenant"] ? String(claims["custom:tenant"]) : undefined,
    };
  }

  async signInWithPassword(email: string, password: string): Promise<void> {
    const tokens = await signInWithPassword(this.config.cognitoEndpoint!, this.config.userPoolClientId!, email, password);
    this.save({ kind: "cognito", tokens });
  }

  signInWithApiKey(apiKey: string): void {
    this.save({ kind: "apiKey", apiKey: apiKey.trim() });
  }

  signOut(): void {
    this.save(null);
  }

  async bearer(): Promise<string | null> {
    const stored = this.stored;
    if (!stored) return null;
    if (stored.kind === "apiKey") return stored.apiKey;
    if (stored.tokens.expiresAt - REFRESH_MARGIN_MS < Date.now()) {
      this.refreshing ??= refresh(this.config.cognitoEndpoint!, this.config.userPoolClientId!, stored.tokens.refreshToken)
        .then((tokens) => this.save({ kind: "cognito", tokens }))
        .catch(() => this.save(null))
        .finally(() => (this.refreshing = null));
      await this.refreshing;
      return this.stored && this.stored.kind === "cognito" ? this.stored.tokens.idToken : null;
    }
    return stored.tokens.idToken;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private save(stored: Stored | null): void {
    this.stored = stored;
    if (stored) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
    else sessionStorage.removeItem(STORAGE_KEY);
    this.listeners.forEach((listener) => listener());
  }
}
