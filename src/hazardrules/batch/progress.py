"""Progress on stderr (rows, rows/s, ETA from the bytes read) and the end-of-batch summary."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field


@dataclass
class Summary:
    """What a batch did: rows in (= rows out), determinations, major hazards, errors, time."""

    rows: int = 0
    judged: int = 0
    major: int = 0
    incomplete: int = 0  # judged, nothing found, some major-hazard rule undetermined
    errors: int = 0
    seconds: float = 0.0
    engine: str = "python"
    workers: int = 1
    by_ruleset: dict = field(default_factory=dict)

    def add(self, other: "Summary") -> None:
        self.rows += other.rows
        self.judged += other.judged
        self.major += other.major
        self.incomplete += other.incomplete
        self.errors += other.errors
        for k, v in other.by_ruleset.items():
            self.by_ruleset[k] = self.by_ruleset.get(k, 0) + v

    @property
    def clean(self) -> int:
        """Rows judged with every applicable rule decided and no major hazard."""
        return self.judged - self.major - self.incomplete

    def count(self, conclusion: str) -> None:
        """Count one judged row by its three-valued conclusion."""
        self.judged += 1
        if conclusion == "major_hazard":
            self.major += 1
        elif conclusion == "incomplete":
            self.incomplete += 1

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def render(self, lang: str = "zh") -> str:
        if lang == "zh":
            return (f"共 {self.rows:,} 行：判定 {self.judged:,} 行，其中存在重大事故隐患 {self.major:,} 行、"
                    f"未能得出结论 {self.incomplete:,} 行、未发现重大事故隐患 {self.clean:,} 行；错误 {self.errors:,} 行；"
                    f"用时 {self.seconds:.2f} 秒（{self.rate:,.0f} 行/秒，{self.engine}，{self.workers} 个进程）")
        return (f"{self.rows:,} rows: {self.judged:,} judged, {self.major:,} with a major hazard, {self.incomplete:,} incomplete, "
                f"{self.clean:,} with no major hazard; {self.errors:,} errors; "
                f"{self.seconds:.2f} s ({self.rate:,.0f} rows/s, {self.engine}, {self.workers} workers)")

    def to_dict(self) -> dict:
        return {"rows": self.rows, "judged": self.judged, "major_hazard": self.major, "incomplete": self.incomplete,
                "no_major_hazard": self.clean, "errors": self.errors,
                "seconds": round(self.seconds, 3), "rows_per_second": round(self.rate), "engine": self.engine,
                "workers": self.workers, "by_ruleset": dict(sorted(self.by_ruleset.items()))}


class Progress:
    """A one-line progress display, redrawn at most four times a second; silent when disabled."""

    def __init__(self, total_bytes: int, enabled: bool, lang: str = "zh"):
        self.total = total_bytes
        self.enabled = enabled
        self.lang = lang
        self.start = time.perf_counter()
        self.rows = 0
        self.done_bytes = 0
        self._last = 0.0

    def update(self, rows: int, nbytes: int) -> None:
        self.rows += rows
        self.done_bytes += nbytes
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last < 0.25:
            return
        self._last = now
        elapsed = max(now - self.start, 1e-9)
        rate = self.rows / elapsed
        frac = min(1.0, self.done_bytes / self.total) if self.total else 0.0
        eta = elapsed * (1 - frac) / frac if frac > 0 else 0.0
        bar = "#" * int(frac * 20)
        if self.lang == "zh":
            line = f"[{bar:<20}] {frac:5.1%} 已处理 {self.rows:,} 行 · {rate:,.0f} 行/秒 · 预计剩余 {_clock(eta)}"
        else:
            line = f"[{bar:<20}] {frac:5.1%} {self.rows:,} rows · {rate:,.0f} rows/s · ETA {_clock(eta)}"
        sys.stderr.write("\r" + line + "\x1b[K")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
