from pathlib import Path

from surplus.grid.schema_docs import replace_generated

DOC = Path(__file__).resolve().parents[2] / "docs" / "dataset-format.md"


def test_format_doc_matches_the_catalogue() -> None:
    text = DOC.read_text()
    assert replace_generated(text) == text, "run `python tools/write_docs.py`"
