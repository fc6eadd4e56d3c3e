"""File bodies in S3: presigned URLs only, so file bytes never pass through the API function."""

from dataclasses import dataclass
from functools import cache

import boto3
from botocore.config import Config

URL_LIFETIME_SECONDS = 900


@cache
def s3_client():
    # SigV4 everywhere: presigned URLs for KMS-encrypted objects require it.
    return boto3.client("s3", config=Config(signature_version="s3v4", connect_timeout=2, read_timeout=3))


@dataclass(frozen=True)
class PresignedUpload:
    url: str
    fields: dict[str, str]


class FileStore:
    def __init__(self, bucket: str, client=None):
        self._bucket = bucket
        self._client = client or s3_client()

    def upload(self, key: str, *, content_type: str, size: int) -> PresignedUpload:
        """A presigned POST that S3 itself refuses unless the body has exactly the declared size and
        content type (conditions of the signed policy, not checks the client could skip)."""
        post = self._client.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
            ExpiresIn=URL_LIFETIME_SECONDS,
        )
        return PresignedUpload(url=post["url"], fields=post["fields"])

    def download(self, key: str, *, file_name: str) -> str:
        return self._client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key, "ResponseContentDisposition": f'attachment; filename="{file_name}"'},
            ExpiresIn=URL_LIFETIME_SECONDS,
        )

    def remove(self, keys: list[str]) -> int:
        """Removes the objects and every version of them (the bucket is versioned: a plain delete
        would only add a delete marker and keep the bytes). Returns how many versions went."""
        removed = 0
        for key in keys:
            listed = self._client.list_object_versions(Bucket=self._bucket, Prefix=key)
            versions = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in [*listed.get("Versions", []), *listed.get("DeleteMarkers", [])]
                if v["Key"] == key
            ]
            if versions:
                self._client.delete_objects(Bucket=self._bucket, Delete={"Objects": versions, "Quiet": True})
                removed += len(versions)
        return removed

    def remove_prefix(self, prefix: str) -> int:
        """Removes every object (every version) whose key starts with `prefix`."""
        removed = 0
        paginator = self._client.get_paginator("list_object_versions")
        for listed in paginator.paginate(Bucket=self._bucket, Prefix=prefix):
            versions = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in [*listed.get("Versions", []), *listed.get("DeleteMarkers", [])]]
            for start in range(0, len(versions), 1000):  # DeleteObjects' limit
                self._client.delete_objects(Bucket=self._bucket, Delete={"Objects": versions[start : start + 1000], "Quiet": True})
            removed += len(versions)
        return removed
