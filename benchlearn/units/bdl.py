"""A client for GUS's Local Data Bank API (BDL, https://bdl.stat.gov.pl/api/v1/).

It reads ``/data/by-variable/{id}`` page by page, waits between requests to stay
within BDL's limits (anonymous 5 requests a second, 10 with an ``X-ClientId`` key),
retries with growing pauses on 429, 5xx and timeouts, and keeps every good answer in
a file cache keyed by URL, so that a second run asks BDL nothing. Everything that can
go wrong ends in one ``BdlError`` whose message says what happened, in the user's
language. The transport, clock and sleep are injected, so tests replay recorded
answers without a network.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

_RETRY_STATUSES = {429, 500, 502, 503, 504}
Params = list[tuple[str, str | int | float | bool | None]]
# Tests put a transport here that replays recorded answers; None is the network.
default_transport: httpx.BaseTransport | None = None


class BdlError(Exception):
    pass


class BdlOffline(BdlError):
    pass


@dataclass(frozen=True)
class BdlRecord:
    unit_id: str  # BDL's 12-digit unit id
    name: str
    year: int
    value: float


def bdl_unit_to_teryt(unit_id: str) -> str:
    """The TERYT code of a BDL unit id (12 digits: MM WW R SS PP GG T).

    BDL's id is the NUTS path followed by the TERC code: two digits of the macroregion,
    two of the voivodeship (WOJ), one of the region, two of the subregion, then the
    county (POW), the gmina (GMI) and its type (RODZ). So 011212161011 is Kraków
    (1261011), 011212161000 the city's county level (1261) and 011200000000 the
    voivodeship (12). Levels above the voivodeship and the subregions are not units.
    """
    if len(unit_id) != 12 or not unit_id.isdigit():
        raise BdlError(_("“%(id)s” is not a 12-digit BDL unit id.") % {"id": unit_id})
    woj, pow_, gmi, rodz = unit_id[2:4], unit_id[7:9], unit_id[9:11], unit_id[11]
    if woj == "00":
        raise BdlError(_("BDL unit %(id)s is above the voivodeship level.") % {"id": unit_id})
    if pow_ == "00":
        if unit_id[4:] != "00000000":
            raise BdlError(_("BDL unit %(id)s is a statistical region.") % {"id": unit_id})
        return woj
    if gmi == "00" and rodz == "0":
        return woj + pow_
    return woj + pow_ + gmi + rodz


@dataclass
class BdlConfig:
    base_url: str
    client_id: str
    cache_dir: Path | None
    cache_seconds: int
    requests_per_second: float
    retries: int
    timeout_seconds: float
    backoff_seconds: float = 1.0
    page_size: int = 100

    @classmethod
    def from_settings(cls) -> BdlConfig:
        client_id = settings.BDL_CLIENT_ID
        rate = settings.BDL_REQUESTS_PER_SECOND or (10 if client_id else 5)
        return cls(
            base_url=settings.BDL_API_URL,
            client_id=client_id,
            cache_dir=settings.BDL_CACHE_DIR,
            cache_seconds=settings.BDL_CACHE_HOURS * 3600,
            requests_per_second=rate,
            retries=settings.BDL_RETRIES,
            timeout_seconds=settings.BDL_TIMEOUT_SECONDS,
            page_size=settings.BDL_PAGE_SIZE,
        )


class BdlClient:
    def __init__(
        self,
        config: BdlConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        refresh: bool = False,
    ) -> None:
        self.config = config
        self.sleep, self.clock, self.refresh = sleep, clock, refresh
        headers = {"Accept": "application/json", "User-Agent": "Benchlearn"}
        if config.client_id:
            headers["X-ClientId"] = config.client_id
        self.http = httpx.Client(
            base_url=config.base_url.rstrip("/") + "/",
            headers=headers,
            timeout=config.timeout_seconds,
            transport=transport or default_transport,
        )
        self.requests = 0  # made to BDL, not answered from the cache
        self._last_request: float | None = None

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> BdlClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- data ------------------------------------------------------------------------

    def data_by_variable(
        self, variable_id: int, *, years: Sequence[int], unit_level: int
    ) -> Iterator[BdlRecord]:
        """Every value of a BDL variable for the years at one unit level, page by page."""
        page, page_size = 0, self.config.page_size
        while True:
            params: Params = [
                ("unit-level", unit_level),
                ("page", page),
                ("page-size", page_size),
                ("format", "json"),
                *(("year", year) for year in years),
            ]
            body = self.get(f"data/by-variable/{variable_id}", params)
            yield from _records(body, variable_id, page)
            total = body["totalRecords"]
            if (page + 1) * page_size >= total or not body["results"]:
                return
            page += 1

    def variable_name(self, variable_id: int) -> str:
        """BDL's name of a variable (its subject's dimensions n1, n2… joined), so that an
        operator sees what an id in the catalogue stands for before trusting it."""
        body = self.get(f"variables/{variable_id}", [("format", "json")], data=False)
        parts = [str(body[key]) for key in ("n1", "n2", "n3", "n4", "n5") if body.get(key)]
        unit = body.get("measureUnitName")
        return " – ".join(parts) + (f" [{unit}]" if unit else "")

    # -- transport -------------------------------------------------------------------

    def get(self, path: str, params: Params, *, data: bool = True) -> dict[str, Any]:
        """BDL's answer to a path: a page of data (``data``), else metadata."""
        url = f"{self.config.base_url.rstrip('/')}/{path}?{urlencode(params)}"
        cached = None if self.refresh else self._cached(url)
        if cached is not None:
            return cached
        body = _parsed(self._fetch(path, params), url, data=data)
        self._store(url, body)
        return body

    def _fetch(self, path: str, params: Params) -> httpx.Response:
        attempt = 0
        while True:
            self._wait_for_rate_limit()
            self.requests += 1
            try:
                response = self.http.get(path, params=params)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if attempt >= self.config.retries:
                    raise BdlOffline(_offline_message(self.config.base_url, exc)) from exc
            else:
                if response.status_code not in _RETRY_STATUSES:
                    if response.status_code >= 400:
                        raise BdlError(_http_message(response))
                    return response
                if attempt >= self.config.retries:
                    raise BdlError(_http_message(response))
                retry_after = _retry_after(response)
                if retry_after is not None:
                    self.sleep(retry_after)
                    attempt += 1
                    continue
            self.sleep(self.config.backoff_seconds * 2**attempt)
            attempt += 1

    def _wait_for_rate_limit(self) -> None:
        interval = 1 / self.config.requests_per_second
        now = self.clock()
        if self._last_request is not None and now - self._last_request < interval:
            self.sleep(interval - (now - self._last_request))
            now = self.clock()
        self._last_request = now

    def _cache_path(self, url: str) -> Path | None:
        if self.config.cache_dir is None:
            return None
        return self.config.cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()}.json"

    def _cached(self, url: str) -> dict[str, Any] | None:
        path = self._cache_path(url)
        if path is None or not path.exists():
            return None
        if time.time() - path.stat().st_mtime > self.config.cache_seconds:
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # a damaged cache entry is fetched again
        body = entry.get("body") if isinstance(entry, dict) else None
        return body if isinstance(body, dict) and entry.get("url") == url else None

    def _store(self, url: str, body: dict[str, Any]) -> None:
        path = self._cache_path(url)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a crash never leaves half an entry behind.
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps({"url": url, "body": body}), encoding="utf-8")
        partial.replace(path)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


def _offline_message(base_url: str, exc: Exception) -> str:
    return _(
        "No connection to BDL (%(url)s): %(error)s. Check the internet connection or try "
        "again later; nothing was changed."
    ) % {"url": base_url, "error": type(exc).__name__}


def _http_message(response: httpx.Response) -> str:
    return _("BDL answered %(status)d for %(url)s; nothing was changed.") % {
        "status": response.status_code,
        "url": str(response.request.url),
    }


def _parsed(response: httpx.Response, url: str, *, data: bool = True) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:
        raise BdlError(
            _("BDL's answer to %(url)s is not valid JSON (%(error)s); nothing was changed.")
            % {"url": url, "error": exc}
        ) from exc
    if not data:
        if isinstance(body, dict) and body.get("n1"):
            return body
        raise BdlError(
            _("BDL's answer to %(url)s names no variable: not the documented format.")
            % {"url": url}
        )
    if not (
        isinstance(body, dict)
        and isinstance(body.get("totalRecords"), int)
        and isinstance(body.get("results"), list)
    ):
        raise BdlError(
            _(
                "BDL's answer to %(url)s lacks totalRecords or results: not the documented "
                "format; nothing was changed."
            )
            % {"url": url}
        )
    return body


def _records(body: dict[str, Any], variable_id: int, page: int) -> Iterator[BdlRecord]:
    for result in body["results"]:
        try:
            unit_id, name = str(result["id"]), str(result.get("name", ""))
            for value in result["values"]:
                if value.get("val") is None:
                    continue  # BDL marks missing figures with an attribute, not a number
                yield BdlRecord(unit_id, name, int(value["year"]), float(value["val"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise BdlError(
                _(
                    "BDL's answer for variable %(variable)d, page %(page)d has a malformed "
                    "result (%(error)s); nothing was changed."
                )
                % {"variable": variable_id, "page": page, "error": repr(exc)}
            ) from exc
