/** Cognito's InitiateAuth, called over its documented JSON protocol with fetch rather than the
 * AWS SDK client: two calls do not justify ~60 kB of SDK in every agent's first load. The app client
 * has no secret, so nothing here signs requests. */
export interface Tokens {
  idToken: string;
  refreshToken: string;
  expiresAt: number; // epoch ms
}

export class SignInError extends Error {}

async function initiateAuth(endpoint: string, body: object): Promise<{ IdToken: string; RefreshToken?: string; ExpiresIn: number }> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
    },
    body: JSON.stringify(body),
  });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new SignInError(payload.message ?? payload.Message ?? "Sign-in failed");
  }
  if (!payload.AuthenticationResult) {
    throw new SignInError(`Sign-in needs a step this app does not support (${payload.ChallengeName ?? "unknown"})`);
  }
  return payload.AuthenticationResult;
}

export async function signInWithPassword(endpoint: string, clientId: string, email: string, password: string): Promise<Tokens> {
  const result = await initiateAuth(endpoint, {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: clientId,
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  return { idToken: result.IdToken, refreshToken: result.RefreshToken ?? "", expiresAt: Date.now() + result.ExpiresIn * 1000 };
}

export async function refresh(endpoint: string, clientId: string, refreshToken: string): Promise<Tokens> {
  const result = await initiateAuth(endpoint, {
    AuthFlow: "REFRESH_TOKEN_AUTH",
    ClientId: clientId,
    AuthParameters: { REFRESH_TOKEN: refreshToken },
  });
  return { idToken: result.IdToken, refreshToken, expiresAt: Date.now() + result.ExpiresIn * 1000 };
}

/** The claims of an ID token, for display only: the API verifies the signature, not this app. */
export function claimsOf(idToken: string): Record<string, unknown> {
  try {
    const part = idToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch {
    return {};
  }
}
