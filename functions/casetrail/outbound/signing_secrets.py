"""Webhook signing secrets, encrypted with a KMS key before they are stored.

Why KMS in the application rather than only the table's encryption at rest: the secret then never
sits in plaintext in DynamoDB, its backups or exports, and a role that may read the table learns
nothing from it. The API function may only Encrypt (it shows the secret once and never reads it
back); only the notification consumer may Decrypt. The encryption context binds a ciphertext to
its tenant and subscription, so a ciphertext copied onto another subscription does not decrypt.
A secret is 43 characters, well under KMS's 4 KB limit for direct encryption: no data keys needed.
"""

import base64


class SigningSecrets:
    def __init__(self, kms_client, key_id: str):
        self._kms = kms_client
        self._key_id = key_id
        self._plaintexts: dict[str, str] = {}  # a warm consumer decrypts each secret once

    def encrypt(self, secret: str, *, tenant_id: str, subscription_id: str) -> str:
        response = self._kms.encrypt(
            KeyId=self._key_id,
            Plaintext=secret.encode(),
            EncryptionContext=_context(tenant_id, subscription_id),
        )
        return base64.b64encode(response["CiphertextBlob"]).decode()

    def decrypt(self, ciphertext: str, *, tenant_id: str, subscription_id: str) -> str:
        if ciphertext not in self._plaintexts:
            response = self._kms.decrypt(
                KeyId=self._key_id,
                CiphertextBlob=base64.b64decode(ciphertext),
                EncryptionContext=_context(tenant_id, subscription_id),
            )
            self._plaintexts[ciphertext] = response["Plaintext"].decode()
        return self._plaintexts[ciphertext]


def _context(tenant_id: str, subscription_id: str) -> dict[str, str]:
    return {"tenantId": tenant_id, "subscriptionId": subscription_id}
