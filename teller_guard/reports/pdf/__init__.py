"""PDFs (the monthly report and the 告知书), typeset with Typst from templates in ``templates/``.

The Python side only prepares the data (already worded in Chinese) and passes it to a
template as JSON; layout, line breaking and pagination are Typst's. A branch can copy a
template, adjust it and point ``TELLER_GUARD_PDF_TEMPLATES`` at the folder (a template there
replaces the shipped one of the same name).
"""
