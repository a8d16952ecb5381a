import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        # E-mail addresses are matched without regard to case: people type them
        # however they like.
        return self.get(email__iexact=username or "")

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        """For ``benchlearn createsuperuser``, which calls no service: the new rights are
        recorded here."""
        fields.update(is_superuser=True, is_operator=True)
        user = self.create_user(email, password, **fields)
        for kind in (AccessChangeKind.OPERATOR, AccessChangeKind.SUPERUSER):
            AccessChange.objects.create(
                kind=kind,
                user=user,
                user_email=user.email,
                old_value="no",
                new_value="yes",
                via="command",
            )
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. What they may do follows from their roles (see access.py)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_operator = models.BooleanField(
        _("operator"),
        default=False,
        help_text=_("Staff of the association office: runs the programme and sees all units."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The language of what is sent to them (e-mails), whatever the language of the
    # browser that last showed them a page; empty: the site's (LANGUAGE_CODE, Polish).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        # Django's admin asks for is_staff; here that is an operator.
        return self.is_active and (self.is_operator or self.is_superuser)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    @property
    def writes_in(self) -> str:
        """The language written to them in: their choice, else the site's."""
        return self.language or settings.LANGUAGE_CODE

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def password_stamp(user: User) -> str:
    """A fingerprint of the user's password hash: a token whose stamp no longer matches
    was made before the password changed, by whatever path it changed."""
    return hashlib.sha256(user.password.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its digest is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires = models.DateTimeField(_("expires"))
    # A read-only token reads what its owner may read and is refused every write.
    read_only = models.BooleanField(_("read only"), default=True)
    password_stamp = models.CharField(max_length=64)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_label(self) -> str:
        return str(_("read only") if self.read_only else _("read and write"))


class AccessChangeKind(models.TextChoices):
    OPERATOR = "operator", _("operator flag")
    SUPERUSER = "superuser", _("superuser flag")
    ACTIVE = "active", _("account active")
    UNIT_MEMBERSHIP = "unit_membership", _("unit membership")
    GROUP_MEMBERSHIP = "group_membership", _("group membership")
    GROUP_MODERATOR = "group_moderator", _("group moderator")
    GROUP_ANONYMITY = "group_anonymity", _("group anonymity")
    API_TOKEN = "api_token", _("API token")


class AccessChange(models.Model):
    """One change of someone's roles or rights: what it was, what it became, who changed
    it and when. Written by the services that make the change, never edited.

    Names and e-mails are copied in as they were, so the record outlives renames and
    deleted accounts.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AccessChangeKind.choices)
    # Whose rights changed (none for a group's anonymity, which is everybody's).
    user = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_changes",
    )
    user_email = models.CharField(_("person's e-mail"), max_length=254, blank=True)
    target = models.CharField(_("of"), max_length=250, blank=True)
    old_value = models.CharField(_("old value"), max_length=250, blank=True)
    new_value = models.CharField(_("new value"), max_length=250, blank=True)
    # Who made the change; none for the system itself (e.g. a token that expired).
    by = models.ForeignKey(
        User,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    by_email = models.CharField(_("changed by (e-mail)"), max_length=254, blank=True)
    via = models.CharField(_("through"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("change of access")
        verbose_name_plural = _("changes of access")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user_email} {self.target}"


class PasswordResetRequest(models.Model):
    """A request for a password-reset e-mail, kept for an hour to throttle them."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} ({self.ip_address}, {self.at:%Y-%m-%d %H:%M})"
