"""Fill translations into a .po file from a JSON object {msgid: msgstr}.

    python locale/fill.py ko translations.json     # or '-' for standard input

Keys are msgids, or "context\u0004msgid" for strings marked with a context (pgettext,
{% translate "..." context "..." %}). Entries named in the JSON get that msgstr and lose any "fuzzy" flag; others are left alone.
Each app keeps its Korean in locale/ko/<app>.json; `make messages` refreshes the .po files from the
code, fills them from every JSON file and compiles them, so the .po never needs hand-merging.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ENTRY = re.compile(
    r'(?P<head>(?:#[^\n]*\n)*)(?P<ctx>msgctxt (?:"(?:[^"\\]|\\.)*"\n)+)?msgid (?P<id>(?:"(?:[^"\\]|\\.)*"\n)+)(?P<plural>msgid_plural (?:"(?:[^"\\]|\\.)*"\n)+)?'
    r'(?P<strs>(?:msgstr(?:\[\d\])? (?:"(?:[^"\\]|\\.)*"\n)+)+)'
)


def unquote(block: str) -> str:
    return "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main(lang: str, source: str) -> int:
    path = Path(__file__).parent / lang / "LC_MESSAGES" / "django.po"
    mapping = json.loads(sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    used = set()

    def replace(match: re.Match) -> str:
        msgid = unquote(match["id"])
        if match["ctx"]:
            # Entries with a context are keyed "context\u0004msgid", as gettext itself does.
            msgid = unquote(match["ctx"][len("msgctxt ") :]) + "\x04" + msgid
        if not msgid or msgid not in mapping:
            return match.group(0)
        used.add(msgid)
        value = mapping[msgid]
        head = re.sub(r"^#, (.*)\n", lambda m: _drop_fuzzy(m.group(1)), match["head"], flags=re.M)
        head = re.sub(r"^#\| .*\n", "", head, flags=re.M)
        if match["plural"]:
            forms = value if isinstance(value, list) else [value]
            strs = "".join(f"msgstr[{i}] {quote(v)}\n" for i, v in enumerate(forms))
        else:
            strs = f"msgstr {quote(value)}\n"
        return f"{head}{match['ctx'] or ''}msgid {match['id']}{match['plural'] or ''}{strs}"

    path.write_text(ENTRY.sub(replace, text), encoding="utf-8")
    missing = sorted(set(mapping) - used)
    if missing:
        print(f"{len(missing)} msgid(s) not in {path}: {missing[:5]}", file=sys.stderr)
    print(f"filled {len(used)} entr{'y' if len(used) == 1 else 'ies'} in {path}")
    return 0


def _drop_fuzzy(flags: str) -> str:
    kept = [f.strip() for f in flags.split(",") if f.strip() != "fuzzy"]
    return f"#, {', '.join(kept)}\n" if kept else ""


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
