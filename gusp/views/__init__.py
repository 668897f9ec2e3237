"""GUSP pages, one module per family: `reports` (list, map, export, detail, creation), `handling` (what is
done to one report: routing, status, answer, photos), `triage` (the queue of new reports and its bulk
decision), `answers` (the programme's canned answers). Later families (walk audits, dashboard) add theirs.
"""
