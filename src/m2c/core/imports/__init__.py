"""The import engine shared by every app (architecture.md, "Shared engines").

- :mod:`.files`: the file's kind by content (CSV/XLSX/XLS), encodings incl. GBK and mixed files,
  zip-bomb and junk refusal, rows streamed with their line numbers;
- :mod:`.mapping`: target fields, header suggestions in English and Chinese, value maps for coded fields;
- :mod:`.values`: amounts as Chinese teams write them (80万元, 约100万, 1.2亿), placeholders, yes/no, dates;
- :mod:`.uploads`: role, size and kind checked before a file is stored; private files; clean-up;
- :mod:`.jobs`: the job's life (exactly-one start, heartbeat, death detection, resume from the cursor);
- :mod:`.runner`: the chunked row runner for row-by-row clients.

Core imports no other app: clients (leads, customers, opportunities, the org import) bring their fields
and a function that stores one row.
"""

from .files import FileRefused, cell_text, clean_headers, estimate_rows, kind_of, open_table
from .jobs import JobLost, claim, is_dead, mark_dead
from .mapping import Field, Schema
from .values import CellWarning, parse_amount, parse_bool, parse_date

__all__ = [
    "CellWarning",
    "Field",
    "FileRefused",
    "JobLost",
    "Schema",
    "cell_text",
    "claim",
    "clean_headers",
    "estimate_rows",
    "is_dead",
    "kind_of",
    "mark_dead",
    "open_table",
    "parse_amount",
    "parse_bool",
    "parse_date",
]
