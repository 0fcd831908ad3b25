"""Header mapping and value maps.

A client describes its target fields once (:class:`Field`: label, header words in English and Chinese,
kind, and for coded fields the allowed values). The engine suggests a mapping from the file's headers,
checks a mapping a user sends, and for coded fields suggests a *value map* from the file's distinct
values: exact codes and labels in either language map by themselves, near misses ("technolgy",
"GTXPro") are suggested and reported, unknown values are reported instead of being created.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from m2c.core.errors import ValidationFailed

TEXT, AMOUNT, DATE, BOOL, CODE = "text", "amount", "date", "bool", "code"


def fold(text: Any) -> str:
    """The comparison key of a header or a coded value: NFKC, case-folded, without spaces and punctuation."""
    folded = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return re.sub(r"[\s_\-./:：()（）*·、,，'\"]+", "", folded)


def has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


@dataclass(frozen=True)
class Field:
    name: str
    label: Any
    aliases: tuple[str, ...] = ()
    kind: str = TEXT
    # Coded fields: a callable returning {code: [words that mean it]} (labels in both languages are added).
    choices: Callable[[], dict[str, list[str]]] | None = None


@dataclass
class Schema:
    fields: list[Field]
    need_one_of: tuple[str, ...] = ()
    # True: a coded value must resolve to one of the field's codes (else the row is refused, naming the
    # value, so the user maps it); False: the client reads coded values itself (after the value map).
    strict_codes: bool = False
    _index: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _words: dict[str, tuple[dict[str, str], dict[str, str]]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.fields}
        for f in self.fields:
            for alias in (f.name, *f.aliases):
                self._index.setdefault(fold(alias), f.name)

    def label(self, name: str) -> str:
        f = self.by_name.get(name)
        return str(f.label) if f else name

    def choices(self) -> list[tuple[str, str]]:
        return [(f.name, str(f.label)) for f in self.fields]

    def coded(self) -> list[Field]:
        return [f for f in self.fields if f.kind == CODE and f.choices is not None]

    # --- headers ------------------------------------------------------------------------------------

    def suggest(self, headers: list[str]) -> dict[str, str]:
        """Header → field, each field used once (the first header that suggests it wins)."""
        mapping: dict[str, str] = {}
        used: set[str] = set()
        for header in headers:
            key = fold(re.sub(r"\s*\(\d+\)$", "", header))
            target = self._index.get(key)
            if target is None and has_cjk(key):
                target = next((t for alias, t in self._index.items() if len(alias) >= 2 and has_cjk(alias) and alias in key),
                              None)
            if target and target not in used:
                mapping[header] = target
                used.add(target)
        return mapping

    def validate(self, mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
        clean: dict[str, str] = {}
        targets: set[str] = set()
        for header, target in mapping.items():
            if not target:
                continue
            if header not in headers:
                raise ValidationFailed(_("The file has no column “%(h)s”.") % {"h": header}, field="mapping")
            if target not in self.by_name:
                raise ValidationFailed(_("“%(t)s” is not a field of this import.") % {"t": target}, field="mapping")
            if target in targets:
                raise ValidationFailed(_("Two columns are mapped to %(t)s.") % {"t": self.label(target)}, field="mapping")
            targets.add(target)
            clean[header] = target
        if self.need_one_of and not targets & set(self.need_one_of):
            raise ValidationFailed(_("Map at least one of these fields: %(f)s.")
                                   % {"f": ", ".join(self.label(n) for n in self.need_one_of)}, field="mapping")
        return clean

    # --- value maps --------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the cached choices (each run reads them once)."""
        self._words.clear()

    def _tables(self, f: Field) -> tuple[dict[str, str], dict[str, str]]:
        found = self._words.get(f.name)
        if found is None:
            assert f.choices is not None
            exact: dict[str, str] = {}
            folded: dict[str, str] = {}
            for code, words in f.choices().items():
                for word in (code, *words):
                    if word:
                        exact.setdefault(str(word).strip().casefold(), code)
                        folded.setdefault(fold(word), code)
            found = self._words[f.name] = (exact, folded)
        return found

    def words(self, f: Field) -> dict[str, str]:
        """Folded word → code for a coded field: the codes, their labels in English and Chinese, synonyms."""
        return self._tables(f)[1]

    def resolve_code(self, name: str, raw: Any) -> tuple[str, str | None]:
        """The code a coded cell means, and a warning when only a variant spelling matched.

        An unknown value is refused (ValidationFailed naming it, with the nearest known value if any),
        so it is reported and mapped by the user, never created.
        """
        f = self.by_name[name]
        exact, folded = self._tables(f)
        text = str(raw).strip()
        code = exact.get(text.casefold())
        if code is not None:
            return code, None
        code = folded.get(fold(text))
        if code is not None:
            return code, _("“%(v)s” read as “%(c)s”.") % {"v": text[:60], "c": code}
        close = difflib.get_close_matches(fold(text), list(folded), n=1, cutoff=0.75)
        if close:
            reason = _("“%(v)s” is not a known value (did you mean “%(c)s”?); map it in the value map.") % {
                "v": text[:60], "c": folded[close[0]]}
        else:
            reason = _("“%(v)s” is not a known value; map it in the value map.") % {"v": text[:60]}
        raise ValidationFailed(reason, field=name)

    def suggest_values(self, f: Field, values: Iterable[str]) -> list[ValueSuggestion]:
        exact, index = self._tables(f)
        out = []
        for raw in values:
            key = fold(raw)
            if not key:
                continue
            if str(raw).strip().casefold() in exact:
                out.append(ValueSuggestion(raw, exact[str(raw).strip().casefold()], exact=True))
                continue
            if key in index:
                out.append(ValueSuggestion(raw, index[key], exact=False))  # a variant spelling: shown to confirm
                continue
            close = difflib.get_close_matches(key, list(index), n=1, cutoff=0.8)
            out.append(ValueSuggestion(raw, index[close[0]] if close else "", exact=False))
        return out

    def apply_values(self, value_maps: dict[str, dict[str, str]], name: str, raw: Any) -> Any:
        """The value after the user's value map (an empty target means "leave blank")."""
        table = value_maps.get(name)
        if not table or raw is None:
            return raw
        text = str(raw).strip()
        if text in table:
            return table[text]
        return raw


@dataclass
class ValueSuggestion:
    raw: str
    code: str  # "" when nothing fits
    exact: bool  # False: a near miss or unknown, shown to the user to confirm


def labels_both(choices: Any) -> dict[str, list[str]]:
    """{code: [English label, Chinese label]} of a Django ``TextChoices``."""
    out: dict[str, list[str]] = {}
    for code, label in choices.choices:
        words = []
        for language in ("en", "zh-hans"):
            with translation.override(language):
                words.append(str(label))
        out[str(code)] = words
    return out


def distinct_values(rows: Iterable[tuple[int, list[Any]]], columns: dict[int, str], *, limit: int = 200,
                    max_rows: int = 50_000) -> dict[str, list[str]]:
    """The distinct values (most frequent first) of the given columns {index: field}."""
    from .files import cell_text

    counts: dict[str, dict[str, int]] = {name: {} for name in columns.values()}
    for seen, (_number, row) in enumerate(rows):
        if seen >= max_rows:
            break
        for index, name in columns.items():
            if index < len(row):
                text = cell_text(row[index])
                if text:
                    bucket = counts[name]
                    if text in bucket or len(bucket) < limit:
                        bucket[text] = bucket.get(text, 0) + 1
    return {name: sorted(bucket, key=lambda v: -bucket[v]) for name, bucket in counts.items()}
