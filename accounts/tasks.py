from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from .models import Notification


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    sent = 0
    for n in Notification.objects.filter(pk__in=notification_ids).select_related("recipient"):
        link = f"{settings.SITE_URL.rstrip('/')}{n.url}" if n.url.startswith("/") else n.url
        body = "\n\n".join(part for part in (n.body, link) if part)
        sent += send_mail(f"[Dasan] {n.verb}", body or n.verb, None, [n.recipient.email], fail_silently=True)
    return sent
