"""Keep the dashboard's translation catalogs current (docs/dashboard.md, "Translations").

    python tools/dashboard_translations.py extract   # messages.pot from templates and code
    python tools/dashboard_translations.py update    # merge it into every locale's .po
    python tools/dashboard_translations.py compile   # .po -> .mo (committed beside it)

`extract` then `update` after changing a template or a marked string; translate the new
entries in `locale/<lang>/LC_MESSAGES/messages.po` (a translator's tool such as Poedit or
any text editor), then `compile`. The tests fail while any message lacks a translation or a
.mo is older than its .po.
"""

from __future__ import annotations

import sys

from surplus.dashboard.catalogs import (
    LOCALES,
    compile_catalog,
    extract_messages,
    po_path,
    pot_path,
    update_catalog,
    write_catalog,
)


def main(command: str) -> None:
    if command == "extract":
        write_catalog(extract_messages(), pot_path())
        print(f"wrote {pot_path()}")
    elif command == "update":
        template = extract_messages()
        for code in LOCALES:
            write_catalog(update_catalog(code, template), po_path(code))
            print(f"updated {po_path(code)}")
    elif command == "compile":
        for code in LOCALES:
            print(f"wrote {compile_catalog(code)}")
    else:
        raise SystemExit("usage: dashboard_translations.py extract|update|compile")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
