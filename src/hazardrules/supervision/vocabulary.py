"""The fixed words of a supervision policy: tiers, levels, sections, adoptable blocks.

Kept apart from the pydantic models of :mod:`.policy_doc` so that routing and a cached policy do not
import pydantic (a cold ``check`` pays for every import)."""

TIERS = ("blue", "yellow", "orange", "red")  # low to high
LEVEL_ORDER = ("none", "county", "city", "province")
BLOCKS = ("deadlines", "tiers", "review", "extension")  # adoptable blocks besides rules
SECTIONS = ("tier_rules", "listing", "targets", "escalation")
# the effect key each section's rules must carry
EFFECT = {"tier_rules": "tier", "listing": "level", "targets": "department", "escalation": "steps"}
