"""One router per resource: determinations, rulesets, cases, reports, admin (tokens, decision log), health."""
