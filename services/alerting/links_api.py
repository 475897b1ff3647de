"""The signed links in pages: `GET` shows the alert and a button, `POST` acknowledges.

A `GET` never acknowledges: mail scanners and link previews fetch links nobody clicked.
The link names who it was sent to, so the acknowledgement is theirs; a second use says
who acknowledged, and when. A webhook's receiver may `POST` with `Accept: application/json`.
"""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, Response

from services.alerting.api import AcknowledgementAnswer, answer
from services.alerting.domain import Alert, AlertState
from services.alerting.handlers import AckOutcome, Alerting
from services.alerting.links import BadLinkError, ExpiredLinkError, LinkClaim, LinkSigner
from shared.answers import ErrorAnswer
from shared.events import AcknowledgedVia

RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorAnswer, "description": "Not a link of ours."},
    410: {"model": ErrorAnswer, "description": "The link expired."},
}


#: The link page's answers besides 200: pages too, for the person who opened the link.
PAGE_RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"description": "Not a link of ours.", "content": {"text/html": {}}},
    410: {"description": "The link expired.", "content": {"text/html": {}}},
}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width">'
        f"<title>{html.escape(title)}</title><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    # A page about one alert, reached by a credential in its URL: never kept by a cache.
    return HTMLResponse(document, status_code=status, headers={"Cache-Control": "no-store"})


def _standing(alert: Alert) -> str:
    ack = alert.acknowledgement
    if ack is not None:
        return f"Already acknowledged by {ack.by} at {ack.at:%Y-%m-%d %H:%M} UTC."
    if alert.state is AlertState.RESOLVED:
        return "This alert has ended: it needs nobody now."
    return "Not acknowledged yet."


def _summary(alert: Alert) -> str:
    name = alert.reference or str(alert.report_id)
    return (
        f"<p>{html.escape(alert.kind.value.replace('_', ' '))}: {html.escape(name)},"
        f" grade {alert.grade}, route {html.escape(alert.route or '-')}.</p>"
        f"<p>{html.escape(_standing(alert))}</p>"
    )


async def _claimed(alerting: Alerting, signer: LinkSigner, token: str) -> tuple[LinkClaim, Alert]:
    """The link's claim and its alert; 404 for a link we did not sign, 410 once expired."""
    try:
        claim = signer.read(token, alerting.clock.now())
    except BadLinkError:
        raise HTTPException(404, "not a link of ours") from None
    except ExpiredLinkError as error:
        raise HTTPException(410, f"this link {error}") from None
    alert = await alerting.alerts.get(claim.alert_id)
    if alert is None:
        raise HTTPException(404, "not a link of ours")
    return claim, alert


def _answer(outcome: AckOutcome, accept: str | None) -> Response:
    if "application/json" in (accept or ""):
        return JSONResponse(answer(outcome).model_dump(mode="json"))
    title = "Acknowledged: thank you" if outcome.acknowledged_now else "frontdesk alert"
    return _page(title, _summary(outcome.alert))


def links_router(alerting: Alerting, signer: LinkSigner, labels: dict[str, str]) -> APIRouter:
    """`/v1/alert-links/{token}`: anyone holding a link signed by this service."""
    router = APIRouter(prefix="/v1/alert-links", tags=["alerts"])

    @router.get("/{token}", response_class=HTMLResponse, responses=PAGE_RESPONSES)
    async def show(token: str) -> HTMLResponse:
        """The alert, and a button to acknowledge it if nobody has; a page saying why not
        for a link that is not ours or has expired (a person opened it in a browser)."""
        try:
            _claim, alert = await _claimed(alerting, signer, token)
        except HTTPException as refused:
            paragraph = f"<p>{html.escape(str(refused.detail))}.</p>"
            return _page("frontdesk alert", paragraph, refused.status_code)
        button = ""
        if alert.state is AlertState.OPEN:
            button = '<form method="post"><button type="submit">Acknowledge</button></form>'
        return _page("frontdesk alert", _summary(alert) + button)

    @router.post(
        "/{token}",
        response_model=AcknowledgementAnswer,
        responses={**RESPONSES, 200: {"content": {"text/html": {}}}},
    )
    async def acknowledge(token: str, accept: Annotated[str | None, Header()] = None) -> Response:
        """Acknowledge as the contact the link was sent to; used once."""
        claim, _alert = await _claimed(alerting, signer, token)
        by = labels.get(claim.contact, claim.contact)
        outcome = await alerting.acknowledge(claim.alert_id, by, AcknowledgedVia.LINK)
        if outcome is None:
            raise HTTPException(404, "not a link of ours")
        return _answer(outcome, accept)

    return router
