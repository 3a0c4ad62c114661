"""Test doubles named in ``settings.AFTERSALES_SMS_GATEWAY`` (class state, since the outbox builds a
new gateway instance for every send)."""

from aftersales.notifications.gateways import GatewayError, PermanentGatewayError, SmsGateway


class ScriptedGateway(SmsGateway):
    """Fails ``failures`` times (temporary, or permanently if ``permanent``), then accepts."""

    sent: list[dict] = []
    calls = 0
    failures = 0
    permanent = False

    @classmethod
    def reset(cls, *, failures: int = 0, permanent: bool = False) -> None:
        cls.sent = []
        cls.calls = 0
        cls.failures = failures
        cls.permanent = permanent

    def send(self, *, to, signature, template_id, params, idempotency_key, text=""):
        cls = type(self)
        cls.calls += 1
        if cls.failures > 0:
            cls.failures -= 1
            if cls.permanent:
                raise PermanentGatewayError("isv.MOBILE_NUMBER_ILLEGAL")
            raise GatewayError("provider timed out")
        cls.sent.append({"to": to, "signature": signature, "template_id": template_id, "params": params,
                         "idempotency_key": idempotency_key, "text": text})
        return f"prov-{len(cls.sent)}"
