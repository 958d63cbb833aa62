"""The same 21 coal-mine (2026) rules in hand-written Python and in three peer rule engines.

Every peer returns a tuple of statuses in :data:`common.RULE_IDS` order (0 passed, 1 fired,
3 not applicable) for one complete record; :func:`common.check_all_agree` proves they agree with
hazardrules on the benchmark records before anything is timed.
"""
