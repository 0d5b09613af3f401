"""Which Russian, Ukrainian and English town names of a region are the same town.

The PLACES table lists a region's towns per language, not aligned ("Грайворон" | "Грайворон"
| "Graivoron, Grayvoron, Hraivoron"). To let a chat subscribe to one town in any language,
the build links them: every name is reduced to a rough Latin skeleton (transliterated;
kh/h/g, y/j/i and soft signs folded) and joined to the closest town already known in the
region when the skeletons are close enough. Russian names come first and anchor the towns;
a name that matches nothing starts a town of its own. Used at build time only.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

_LATIN = "a b v g g d e ye yo zh z i i yi y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya _"
_CYRILLIC = dict(zip("абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюя'", _LATIN.split(), strict=True))
_MIN_RATIO = 0.75  # with the same first letter
_SURE_RATIO = 0.85  # whatever the first letter (Угледар / Вугледар, Ахтырка / Охтирка)
_EXONYMS = {"moscow": "moskva"}


def transliterate(name: str) -> str:
    return "".join(_CYRILLIC.get(ch, ch) for ch in name.lower()).replace("_", "")


def skeleton(name: str) -> str:
    """A rough Latin key: "Грайворон", "Graivoron", "Hraivoron" all give "graivoron"."""
    latin = transliterate(name).replace("dj", "dzh").replace("kh", "h").replace("h", "g")
    latin = re.sub(r"[yj]", "i", latin)
    latin = re.sub(r"[^a-z ]", "", latin)
    latin = re.sub(r"(.)\1+", r"\1", latin).replace("ie", "e")
    key = " ".join(latin.split())
    return _EXONYMS.get(key, key)


def slug(name: str) -> str:
    """A readable ASCII id part: "Старый Оскол" → "staryy-oskol"."""
    return "-".join(re.sub(r"[^a-z0-9 ]", "", transliterate(name)).split()) or "place"


@dataclass(slots=True)
class Town:
    names: dict[str, str] = field(default_factory=dict)  # lang -> display name
    keys: list[str] = field(default_factory=list)  # skeletons of every linked name

    def closeness(self, key: str) -> float:
        """How close `key` is to this town's names: 0 unless reasonably sure."""
        best = 0.0
        for known in self.keys:
            ratio = difflib.SequenceMatcher(None, key, known).ratio() if key else 0.0
            if ratio >= _SURE_RATIO or (ratio >= _MIN_RATIO and known[:1] == key[:1]):
                best = max(best, ratio)
        return best


def link_towns(names: list[tuple[str, str]]) -> list[tuple[Town, list[str]]]:
    """Group (lang, name) pairs of one region into towns, in order; with each, its names."""
    towns: list[tuple[Town, list[str]]] = []
    for lang in ("ru", "uk", "en"):
        for name_lang, name in names:
            if name_lang != lang:
                continue
            key = skeleton(name)
            best = max(towns, key=lambda pair: pair[0].closeness(key), default=None)
            if best is not None and best[0].closeness(key) > 0:
                town, members = best
            else:
                town, members = Town(), []
                towns.append((town, members))
            town.names.setdefault(lang, name)
            town.keys.append(key)
            members.append(name)
    return towns
