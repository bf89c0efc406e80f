"""Cases pages, split by audience: resident, staff (queue, intake, detail), actions (one POST
endpoint per workflow operation), imports, metrics. Each view: parse → one selector or service
→ render or redirect."""
