"""The workspace's `config.json`: where the API is and which user pool to sign in with.

One shape for both homes: the stack's `WorkspaceConfig` output (written next to the SPA when it is
deployed) and the local runner's `GET /config.json`.
"""


def workspace_config(*, api_url: str, region: str, user_pool_id: str, user_pool_client_id: str, cognito_endpoint: str) -> dict[str, str]:
    return {
        "apiUrl": api_url.rstrip("/"),
        "region": region,
        "userPoolId": user_pool_id,
        "userPoolClientId": user_pool_client_id,
        # Where the browser sends Cognito's InitiateAuth & co. (deployed: Cognito's regional endpoint).
        "cognitoEndpoint": cognito_endpoint,
    }


def cognito_endpoint_of(region: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/"
