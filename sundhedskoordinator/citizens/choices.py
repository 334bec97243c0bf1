from django.db import models
from django.utils.translation import gettext_lazy as _


class GuidanceChannel(models.TextChoices):
    """How the citizen was told about the right. Only written channels fulfil BEK 2409/2021 § 2."""

    LETTER = "letter", _("Brev")
    DIGITAL_POST = "digital_post", _("Digital Post")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Mundtligt ved møde")
    PHONE = "phone", _("Telefon")


WRITTEN_GUIDANCE_CHANNELS = frozenset(
    {GuidanceChannel.LETTER, GuidanceChannel.DIGITAL_POST, GuidanceChannel.EMAIL}
)

#: The written channels by which the system itself sends the guidance letter (through the post
#: app: Digital Post, or paper for a citizen exempt); e-mail guidance the caseworker sent herself.
POSTED_GUIDANCE_CHANNELS = frozenset({GuidanceChannel.LETTER, GuidanceChannel.DIGITAL_POST})
