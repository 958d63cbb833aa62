"""``hazardrules serve``: the HTTP service for other systems (FastAPI on uvicorn).

``create_app(Settings(db_url=..., rules_dir=...))`` returns the ASGI app; see :mod:`.app`.
Install with ``pip install 'hazardrules[serve]'``.
"""

from .app import Settings, create_app
from .limits import Limits

__all__ = ["Limits", "Settings", "create_app"]
