"""The Cognito user pool, as the admin commands use it: invite, put in a role group, disable.

The admin API (AdminCreateUser & co.) needs IAM credentials: only the admin CLI calls it, never the
request path, which only verifies tokens the pool signed.
"""

from dataclasses import dataclass

from botocore.exceptions import ClientError

from casetrail.user_tokens import TENANT_CLAIM


class UserAlreadyExists(Exception):
    pass


class NoSuchUser(Exception):
    pass


@dataclass(frozen=True)
class PoolUser:
    user_id: str  # the sub
    email: str
    tenant_id: str | None


class CognitoUserPool:
    def __init__(self, client, user_pool_id: str):
        self._client = client
        self.user_pool_id = user_pool_id

    def create_user(self, *, email: str, name: str, tenant_id: str, send_invitation: bool) -> str:
        """Creates the user with a temporary password Cognito emails them (unless told not to);
        returns their sub."""
        request = {
            "UserPoolId": self.user_pool_id,
            "Username": email,
            "UserAttributes": [
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},  # the admin vouches for the address
                {"Name": "name", "Value": name},
                {"Name": TENANT_CLAIM, "Value": tenant_id},
            ],
            "DesiredDeliveryMediums": ["EMAIL"],
        }
        if not send_invitation:
            request["MessageAction"] = "SUPPRESS"
        try:
            user = self._client.admin_create_user(**request)["User"]
        except ClientError as error:
            if error.response["Error"]["Code"] == "UsernameExistsException":
                raise UserAlreadyExists(email) from None
            raise
        return next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")

    def add_to_group(self, username: str, group: str) -> None:
        self._client.admin_add_user_to_group(UserPoolId=self.user_pool_id, Username=username, GroupName=group)

    def set_permanent_password(self, username: str, password: str) -> None:
        self._client.admin_set_user_password(UserPoolId=self.user_pool_id, Username=username, Password=password, Permanent=True)

    def find(self, username: str) -> PoolUser:
        try:
            user = self._client.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        except ClientError as error:
            if error.response["Error"]["Code"] == "UserNotFoundException":
                raise NoSuchUser(username) from None
            raise
        attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        return PoolUser(user_id=attributes["sub"], email=attributes.get("email", ""), tenant_id=attributes.get(TENANT_CLAIM))

    def disable(self, username: str) -> None:
        """No new sign-in, and every refresh token of the user revoked."""
        self._client.admin_disable_user(UserPoolId=self.user_pool_id, Username=username)
        self._client.admin_user_global_sign_out(UserPoolId=self.user_pool_id, Username=username)
