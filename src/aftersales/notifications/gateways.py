"""SMS gateways: one small interface, a console and a file gateway for development.

A production gateway (Aliyun, Tencent Cloud) is a class with the same ``send`` signature named in
``AFTERSALES_SMS_GATEWAY``.  It raises ``GatewayError`` for anything worth retrying (timeouts,
throttling, 5xx) and ``PermanentGatewayError`` for what no retry can fix (number does not exist,
template not approved, signature rejected).

Idempotency: providers do not deduplicate.  The outbox claims a message before sending and never
sends a ``sent`` message again, so a retried *task* sends once.  The remaining window — the provider
accepted the message but the worker died before recording it — is narrowed by passing our
``idempotency_key`` to the provider's own correlation field (Aliyun ``OutId``, Tencent
``SessionContext``): delivery receipts carry it back, so an operator can see that a message re-sent
after a crash had in fact gone out.
"""

from __future__ import annotations

import abc
import json
import logging
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("aftersales.notifications.sms")


class GatewayError(Exception):
    """A temporary failure: the outbox retries with exponential backoff."""


class PermanentGatewayError(GatewayError):
    """A failure no retry can fix: the message goes to the dead letters at once."""


class SmsGateway(abc.ABC):
    """Base class (and interface) of SMS gateways."""

    @abc.abstractmethod
    def send(self, *, to: str, signature: str, template_id: str, params: dict, idempotency_key: str,
             text: str = "") -> str:
        """Send one templated message; return the provider's message id.

        ``to`` is E.164 (+8613812345678); ``text`` is the rendered message, for development gateways
        and logs only (providers render the approved template themselves).
        """


class ConsoleSmsGateway(SmsGateway):
    """Development: writes the message to the log and pretends it was accepted."""

    def send(self, *, to, signature, template_id, params, idempotency_key, text=""):
        message_id = f"console-{uuid.uuid4().hex[:16]}"
        logger.info("SMS to %s [%s/%s] %s (key %s, id %s)", to, signature, template_id, text or params,
                    idempotency_key, message_id)
        return message_id


class FileSmsGateway(SmsGateway):
    """Development and demos: appends one JSON line per message to ``AFTERSALES_SMS_FILE``."""

    _lock = threading.Lock()

    def send(self, *, to, signature, template_id, params, idempotency_key, text=""):
        message_id = f"file-{uuid.uuid4().hex[:16]}"
        record = {
            "id": message_id, "at": timezone.now().isoformat(), "to": to, "signature": signature,
            "template_id": template_id, "params": params, "text": text, "idempotency_key": idempotency_key,
        }
        path = Path(settings.AFTERSALES_SMS_FILE)
        try:
            with self._lock:
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise GatewayError(f"cannot write {path}: {exc}") from exc
        return message_id


def get_sms_gateway() -> SmsGateway:
    """An instance of the gateway class named in ``AFTERSALES_SMS_GATEWAY``."""
    return import_string(settings.AFTERSALES_SMS_GATEWAY)()
