"""UI strings in English, Russian and Ukrainian: one catalogue, no strings in handlers.

`t(lang, key, **values)` formats a string; values are inserted as given, so callers escape
anything that came from a user or a source (html.escape) before passing it in.
"""

from __future__ import annotations

LANGUAGES = ("en", "ru", "uk")

CATALOGUE: dict[str, dict[str, str]] = {
    "start": {
        "en": (
            "👋 <b>Lookout</b> watches news sources and tells you within a minute when something "
            "happens in a region you care about, or a word on your watchlist appears.\n\n"
            "Start with a region: <code>/subscribe Belgorod</code>\n"
            "or a watch term: <code>/watch drone</code>\n\n"
            "/list shows what you follow, /help explains every command."
        ),
        "ru": (
            "👋 <b>Lookout</b> следит за новостными источниками и в течение минуты сообщает, "
            "когда что-то происходит в нужном вам регионе или появляется слово из вашего "
            "списка.\n\nНачните с региона: <code>/subscribe Белгород</code>\n"
            "или слова: <code>/watch дрон</code>\n\n"
            "/list — ваши подписки, /help — все команды."
        ),
        "uk": (
            "👋 <b>Lookout</b> стежить за джерелами новин і протягом хвилини повідомляє, коли "
            "щось відбувається у вашому регіоні або з'являється слово з вашого списку.\n\n"
            "Почніть з регіону: <code>/subscribe Харків</code>\n"
            "або слова: <code>/watch обстріл</code>\n\n"
            "/list — ваші підписки, /help — усі команди."
        ),
    },
    "help": {
        "en": (
            "<b>Commands</b>\n"
            "/subscribe <i>region</i> — alerts for a region (Belgorod, Белгородская область, "
            "Бєлгородщина, RU-BEL, or a town)\n"
            "/unsubscribe <i>region</i> — stop them\n"
            "/watch <i>term</i> — alerts when a word or phrase appears, in any inflected form\n"
            "/unwatch <i>term</i> — stop them\n"
            "/list — your regions and watch terms\n"
            "/help — this message"
        ),
        "ru": (
            "<b>Команды</b>\n"
            "/subscribe <i>регион</i> — оповещения по региону (Белгород, Белгородская область, "
            "RU-BEL или город)\n"
            "/unsubscribe <i>регион</i> — отписаться\n"
            "/watch <i>слово</i> — оповещения, когда слово или фраза встречается в любой форме\n"
            "/unwatch <i>слово</i> — убрать слово\n"
            "/list — ваши регионы и слова\n"
            "/help — эта справка"
        ),
        "uk": (
            "<b>Команди</b>\n"
            "/subscribe <i>регіон</i> — сповіщення про регіон (Харків, Харківщина, UA-63 або "
            "місто)\n"
            "/unsubscribe <i>регіон</i> — відписатися\n"
            "/watch <i>слово</i> — сповіщення, коли слово чи фраза трапляється в будь-якій формі\n"
            "/unwatch <i>слово</i> — прибрати слово\n"
            "/list — ваші регіони й слова\n"
            "/help — ця довідка"
        ),
    },
    "subscribe_usage": {
        "en": "Which region? For example: <code>/subscribe Belgorod</code> or "
        "<code>/subscribe Харківщина</code>.",
        "ru": "Какой регион? Например: <code>/subscribe Белгород</code>.",
        "uk": "Який регіон? Наприклад: <code>/subscribe Харківщина</code>.",
    },
    "unsubscribe_usage": {
        "en": "Which region? For example: <code>/unsubscribe Belgorod</code>. /list shows yours.",
        "ru": "Какой регион? Например: <code>/unsubscribe Белгород</code>. /list — ваши регионы.",
        "uk": "Який регіон? Наприклад: <code>/unsubscribe Харків</code>. /list — ваші регіони.",
    },
    "watch_usage": {
        "en": "Which word or phrase? For example: <code>/watch drone</code> or "
        "<code>/watch power outage</code>.",
        "ru": "Какое слово или фразу? Например: <code>/watch дрон</code>.",
        "uk": "Яке слово чи фразу? Наприклад: <code>/watch обстріл</code>.",
    },
    "unwatch_usage": {
        "en": "Which term? For example: <code>/unwatch drone</code>. /list shows yours.",
        "ru": "Какое слово? Например: <code>/unwatch дрон</code>. /list — ваши слова.",
        "uk": "Яке слово? Наприклад: <code>/unwatch обстріл</code>. /list — ваші слова.",
    },
    "unknown_region": {
        "en": "I don't know a region called <b>{query}</b>. Try its name in English, Russian "
        "or Ukrainian, a town in it, or its code such as <code>RU-BEL</code>.",
        "ru": "Не знаю региона <b>{query}</b>. Попробуйте название по-русски, по-украински или "
        "по-английски, город в нём или код, например <code>RU-BEL</code>.",
        "uk": "Не знаю регіону <b>{query}</b>. Спробуйте назву українською, російською чи "
        "англійською, місто в ньому або код, наприклад <code>UA-63</code>.",
    },
    "choose_region": {
        "en": "Did you mean one of these?",
        "ru": "Возможно, вы имели в виду:",
        "uk": "Можливо, ви мали на увазі:",
    },
    "subscribed": {
        "en": "✅ Subscribed to <b>{region}</b>. You'll get an alert when news mentions it.",
        "ru": "✅ Подписка на <b>{region}</b> оформлена. Пришлю оповещение, когда о нём напишут.",
        "uk": "✅ Підписку на <b>{region}</b> оформлено. Надішлю сповіщення, коли про нього "
        "напишуть.",
    },
    "already_subscribed": {
        "en": "You are already subscribed to <b>{region}</b>.",
        "ru": "Вы уже подписаны на <b>{region}</b>.",
        "uk": "Ви вже підписані на <b>{region}</b>.",
    },
    "unsubscribed": {
        "en": "Unsubscribed from <b>{region}</b>.",
        "ru": "Подписка на <b>{region}</b> отменена.",
        "uk": "Підписку на <b>{region}</b> скасовано.",
    },
    "not_subscribed": {
        "en": "You are not subscribed to <b>{region}</b>. /list shows your regions.",
        "ru": "Вы не подписаны на <b>{region}</b>. /list — ваши регионы.",
        "uk": "Ви не підписані на <b>{region}</b>. /list — ваші регіони.",
    },
    "watching": {
        "en": "👀 Watching <b>{term}</b> (with its inflected forms).",
        "ru": "👀 Слежу за словом <b>{term}</b> (во всех формах).",
        "uk": "👀 Стежу за словом <b>{term}</b> (в усіх формах).",
    },
    "already_watching": {
        "en": "<b>{term}</b> is already on your watchlist.",
        "ru": "<b>{term}</b> уже в вашем списке.",
        "uk": "<b>{term}</b> уже у вашому списку.",
    },
    "unwatched": {
        "en": "Removed <b>{term}</b> from your watchlist.",
        "ru": "<b>{term}</b> удалено из списка.",
        "uk": "<b>{term}</b> видалено зі списку.",
    },
    "not_watching": {
        "en": "<b>{term}</b> is not on your watchlist. /list shows it.",
        "ru": "<b>{term}</b> нет в вашем списке. /list — ваши слова.",
        "uk": "<b>{term}</b> немає у вашому списку. /list — ваші слова.",
    },
    "term_invalid": {
        "en": "A watch term needs at least one letter or digit and at most {max} characters.",
        "ru": "Слово должно содержать хотя бы одну букву или цифру и не длиннее {max} символов.",
        "uk": "Слово має містити хоча б одну літеру чи цифру й бути не довшим за {max} символів.",
    },
    "list": {
        "en": "<b>Your regions</b>\n{regions}\n\n<b>Your watch terms</b>\n{terms}",
        "ru": "<b>Ваши регионы</b>\n{regions}\n\n<b>Ваши слова</b>\n{terms}",
        "uk": "<b>Ваші регіони</b>\n{regions}\n\n<b>Ваші слова</b>\n{terms}",
    },
    "list_none": {"en": "— none yet", "ru": "— пока нет", "uk": "— поки немає"},
    "alert_open": {"en": "Open", "ru": "Открыть", "uk": "Відкрити"},
    "alert_repeat": {
        "en": "(possible repeat)",
        "ru": "(возможно, повтор)",
        "uk": "(можливо, повтор)",
    },
    "cmd_start": {"en": "What Lookout does", "ru": "Что умеет Lookout", "uk": "Що вміє Lookout"},
    "cmd_help": {"en": "All commands", "ru": "Все команды", "uk": "Усі команди"},
    "cmd_subscribe": {
        "en": "Alerts for a region",
        "ru": "Оповещения по региону",
        "uk": "Сповіщення про регіон",
    },
    "cmd_unsubscribe": {
        "en": "Stop a region's alerts",
        "ru": "Отписаться от региона",
        "uk": "Відписатися від регіону",
    },
    "cmd_watch": {
        "en": "Alerts for a word or phrase",
        "ru": "Оповещения по слову",
        "uk": "Сповіщення за словом",
    },
    "cmd_unwatch": {"en": "Remove a watch term", "ru": "Убрать слово", "uk": "Прибрати слово"},
    "cmd_list": {"en": "What you follow", "ru": "Ваши подписки", "uk": "Ваші підписки"},
}


def language_for(code: str | None) -> str:
    """The UI language for a Telegram `language_code` such as "ru", "uk" or "en-GB"."""
    base = (code or "en").split("-")[0].lower()
    return base if base in LANGUAGES else "en"


def t(lang: str, key: str, **values: object) -> str:
    forms = CATALOGUE[key]
    text = forms.get(lang) or forms["en"]
    return text.format(**values) if values else text
