"""People sign in: the Cognito user pool (groups agent, supervisor, admin; the tenant as an immutable
custom attribute; invited by an admin, never self-signed-up) and the workspace's app client."""

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from casetrail.domain.users import UserRole
from casetrail.user_tokens import TENANT_CLAIM

TENANT_ATTRIBUTE = TENANT_CLAIM.removeprefix("custom:")
# A shift, not a month: a stolen refresh token (or a left-open browser) is good for a working day.
REFRESH_TOKEN_VALIDITY = cdk.Duration.hours(12)
ID_TOKEN_VALIDITY = cdk.Duration.hours(1)
# Lower precedence wins when Cognito must pick one group (e.g. for an IAM role); ours mirror privilege.
GROUP_PRECEDENCE = {UserRole.ADMIN: 0, UserRole.SUPERVISOR: 1, UserRole.AGENT: 2}
DOMAIN_PREFIX_CONTEXT_KEY = "casetrail:userPoolDomainPrefix"
# "required" (the default: every person enrols a TOTP app at first sign-in) or "optional".
MFA_CONTEXT_KEY = "casetrail:userPoolMfa"
MFA_MODES = {"required": cognito.Mfa.REQUIRED, "optional": cognito.Mfa.OPTIONAL}


class People(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        allowed_origins: list[str],
        domain_prefix: str | None = None,
        mfa: str = "required",
    ):
        super().__init__(scope, construct_id)
        if mfa not in MFA_MODES:
            raise ValueError(f"{MFA_CONTEXT_KEY} must be one of {', '.join(MFA_MODES)}, not {mfa!r}")
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,  # an admin invites (python -m casetrail.admin invite-user)
            sign_in_aliases=cognito.SignInAliases(email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True),
                fullname=cognito.StandardAttribute(required=True, mutable=True),
            ),
            # Immutable: once invited into a tenant, a user can never be moved (or move) to another.
            custom_attributes={TENANT_ATTRIBUTE: cognito.StringAttribute(min_len=1, max_len=64, mutable=False)},
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=cdk.Duration.days(3),
            ),
            # Agents read customers' personal data all day: a password alone is not enough by default.
            mfa=MFA_MODES[mfa],
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),  # TOTP apps; no SMS costs or SIM swaps
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            # Plus: threat protection (compromised credentials, risky sign-ins) enforced on every sign-in.
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            user_invitation=cognito.UserInvitationConfig(
                email_subject="Your Casetrail account",
                email_body="You have been invited to Casetrail. Sign in with {username} and the temporary "
                "password {####}; you will choose your own.",
            ),
            deletion_protection=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        for role in UserRole:
            cognito.UserPoolGroup(
                self,
                f"{role.value.capitalize()}Group",
                user_pool=self.user_pool,
                group_name=role.value,
                description=f"Casetrail {role.value}s",
                precedence=GROUP_PRECEDENCE[role],
            )
        callback_urls = [f"{origin}/" for origin in allowed_origins] or ["https://localhost/"]
        self.client = self.user_pool.add_client(
            "WorkspaceClient",
            user_pool_client_name="workspace",
            generate_secret=False,  # a single-page app cannot keep a secret
            auth_flows=cognito.AuthFlow(user_srp=True, user_password=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),  # with PKCE, on the hosted domain
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
                callback_urls=callback_urls,
                logout_urls=callback_urls,
            ),
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=ID_TOKEN_VALIDITY,
            access_token_validity=ID_TOKEN_VALIDITY,
            refresh_token_validity=REFRESH_TOKEN_VALIDITY,
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True, fullname=True)
            .with_custom_attributes(TENANT_ATTRIBUTE),
            # Never the tenant: a person cannot write their way into another tenant.
            write_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True),
        )
        if mfa == "optional":
            cdk.Validations.of(self.user_pool).acknowledge(
                cdk.Acknowledgment(
                    id="AwsSolutions-COG2",
                    reason=f"The deployment chose {MFA_CONTEXT_KEY}=optional (e.g. people sign in through the "
                    "contact center's own IdP, which enforces MFA); TOTP stays available to every user.",
                )
            )
        self.domain = (
            self.user_pool.add_domain(
                "HostedDomain",
                cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix),
                managed_login_version=cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
            )
            if domain_prefix
            else None
        )

    @property
    def jwks_url(self) -> str:
        # The issuer's own keys: the deployed authorizer never trusts any other.
        return f"{self.user_pool.user_pool_provider_url}/.well-known/jwks.json"
