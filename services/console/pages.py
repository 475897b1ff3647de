"""The console's pages: static HTML shells whose scripts fetch the JSON API and build the
page with `textContent` and `createElement` only, so whatever a reporter wrote is shown as
text, never run. No inline script, style or event handler: the Content-Security-Policy
allows scripts and styles from `/static` only. The pages hold no data, so a page's role
only spares a member of staff a page whose requests would all be refused."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from services.console.access import PUBLIC, allow
from services.console.responses import NO_STORE, refused
from services.console.roles import READS_REPORTS, SEES_QUEUES, Role, Staff

STATIC = Path(__file__).with_name("static")
#: The files `/static` serves, and their types: nothing else is looked up on disk.
STATIC_FILES = {
    "console.css": "text/css",
    "console.js": "text/javascript",
    "queue.js": "text/javascript",
    "report.js": "text/javascript",
    "compose.js": "text/javascript",
    "actions.js": "text/javascript",
    "search.js": "text/javascript",
    "access-log.js": "text/javascript",
}
SEES_QUEUE = allow(*SEES_QUEUES)
OPENS_REPORTS = allow(*READS_REPORTS)
AUDITS = allow(Role.AUDITOR)


def _page(name: str) -> HTMLResponse:
    return HTMLResponse((STATIC / name).read_text(encoding="utf-8"), headers=NO_STORE)


def pages_router() -> APIRouter:
    """`/` (the queue), `/reports/{id}`, `/search`, `/access-log` and `/static/{name}`."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    async def queue_page(staff: Staff = SEES_QUEUE) -> HTMLResponse:
        return _page("queue.html")

    @router.get("/reports/{report_id}", response_class=HTMLResponse)
    async def report_page(report_id: uuid.UUID, staff: Staff = OPENS_REPORTS) -> HTMLResponse:
        return _page("report.html")

    @router.get("/search", response_class=HTMLResponse)
    async def search_page(staff: Staff = OPENS_REPORTS) -> HTMLResponse:
        return _page("search.html")

    @router.get("/access-log", response_class=HTMLResponse)
    async def access_log_page(staff: Staff = AUDITS) -> HTMLResponse:
        return _page("access-log.html")

    @router.get("/static/{name}", dependencies=[PUBLIC])
    async def static_file(name: str) -> FileResponse:
        media_type = STATIC_FILES.get(name)
        if media_type is None:
            raise refused(404, "no such file")
        return FileResponse(STATIC / name, media_type=media_type)

    return router
