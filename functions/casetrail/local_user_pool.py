"""The name `make run` gives its emulated user pool and app client, so the admin CLI's --local finds
them (moto makes up the ids)."""

LOCAL_USER_POOL_NAME = "casetrail-local-people"
LOCAL_CLIENT_NAME = "workspace"


def find_local_user_pool(cognito) -> tuple[str, str]:
    """(user pool id, app client id) of the local runner's pool."""
    pools = cognito.list_user_pools(MaxResults=60)["UserPools"]
    pool_id = next((p["Id"] for p in pools if p["Name"] == LOCAL_USER_POOL_NAME), None)
    if pool_id is None:
        raise LookupError("no local user pool: is `make run` running?")
    clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next(c["ClientId"] for c in clients if c["ClientName"] == LOCAL_CLIENT_NAME)
    return pool_id, client_id
