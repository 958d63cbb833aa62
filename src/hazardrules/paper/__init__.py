"""Paper and spreadsheets: the Excel checklist (out and back), the printable 隐患判定书, report files.

Each module imports its library (openpyxl, fpdf2, jinja2) only when used, so the CLI starts without
them.
"""
