"""API tokens people make for themselves: named, scoped, expiring, revocable, stored hashed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TokenAccess(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """One token. Only the SHA-256 of the secret is kept; the secret is shown once.

    ``plan`` empty means every plan its owner is a member of (with the owner's role on
    each); the token never grants more than its owner's role.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    access = models.CharField(max_length=5, choices=TokenAccess.choices)
    plan = models.ForeignKey(
        "bcp.Plan", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the secret, so a person can tell their tokens apart.
    key_prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="api_token_name_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"
