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
            "/watch <i>term</i> — alerts when a word or phrase appears, in any inflected form "
            "(queries: /help watch)\n"
            "/test <i>query</i> — what it would have matched in the last 24 hours\n"
            "/unwatch <i>term</i> — stop them\n"
            "/list — your regions and watch terms\n"
            "/regions — browse regions; /recent [<i>region or term</i>] — the last 24 hours\n"
            "/mute <i>30m, 2h, 1d</i> — pause alerts; /unmute — back on\n"
            "/quiet <i>23:00-07:00</i> — quiet hours (a summary afterwards); /quiet off\n"
            "/urgent <i>term</i> — let a term through quiet hours\n"
            "/tz <i>zone</i> — your time zone (Europe/Kyiv, Moscow, +3); /lang en|ru|uk\n"
            "/sources — news sources; /settings — everything about this chat\n"
            "/export, /import — settings as text, and back\n"
            "/help — this message"
        ),
        "ru": (
            "<b>Команды</b>\n"
            "/subscribe <i>регион</i> — оповещения по региону (Белгород, Белгородская область, "
            "RU-BEL или город)\n"
            "/unsubscribe <i>регион</i> — отписаться\n"
            "/watch <i>слово</i> — оповещения, когда слово или фраза встречается в любой форме "
            "(запросы: /help watch)\n"
            "/test <i>запрос</i> — что он нашёл бы за последние сутки\n"
            "/unwatch <i>слово</i> — убрать слово\n"
            "/list — ваши регионы и слова\n"
            "/regions — список регионов; /recent [<i>регион или слово</i>] — последние сутки\n"
            "/mute <i>30m, 2h, 1d</i> — отключить оповещения; /unmute — включить\n"
            "/quiet <i>23:00-07:00</i> — тихие часы (потом сводка); /quiet off\n"
            "/urgent <i>слово</i> — слово, которое приходит и в тихие часы\n"
            "/tz <i>пояс</i> — часовой пояс (Europe/Moscow, Москва, +3); /lang en|ru|uk\n"
            "/sources — источники; /settings — все настройки чата\n"
            "/export, /import — настройки текстом и обратно\n"
            "/help — эта справка"
        ),
        "uk": (
            "<b>Команди</b>\n"
            "/subscribe <i>регіон</i> — сповіщення про регіон (Харків, Харківщина, UA-63 або "
            "місто)\n"
            "/unsubscribe <i>регіон</i> — відписатися\n"
            "/watch <i>слово</i> — сповіщення, коли слово чи фраза трапляється в будь-якій формі "
            "(запити: /help watch)\n"
            "/test <i>запит</i> — що він знайшов би за останню добу\n"
            "/unwatch <i>слово</i> — прибрати слово\n"
            "/list — ваші регіони й слова\n"
            "/regions — список регіонів; /recent [<i>регіон або слово</i>] — остання доба\n"
            "/mute <i>30m, 2h, 1d</i> — вимкнути сповіщення; /unmute — увімкнути\n"
            "/quiet <i>23:00-07:00</i> — тихі години (потім зведення); /quiet off\n"
            "/urgent <i>слово</i> — слово, що надходить і в тихі години\n"
            "/tz <i>пояс</i> — часовий пояс (Europe/Kyiv, Київ, +2); /lang en|ru|uk\n"
            "/sources — джерела; /settings — усі налаштування чату\n"
            "/export, /import — налаштування текстом і назад\n"
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
        '<code>/watch "power outage"</code>. /help watch explains queries.',
        "ru": "Какое слово или фразу? Например: <code>/watch дрон</code>. "
        "/help watch — как писать запросы.",
        "uk": "Яке слово чи фразу? Наприклад: <code>/watch обстріл</code>. "
        "/help watch — як писати запити.",
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
    # -- chat settings, browsing, operators (issue 6, Chat) --------------------------------
    "admins_only": {
        "en": "Only this group's admins can change its settings.",
        "ru": "Менять настройки этой группы могут только её администраторы.",
        "uk": "Змінювати налаштування цієї групи можуть лише її адміністратори.",
    },
    "operators_only": {
        "en": "Only Lookout's operators can do that.",
        "ru": "Это могут только операторы Lookout.",
        "uk": "Це можуть лише оператори Lookout.",
    },
    "start_more": {"en": "More regions…", "ru": "Другие регионы…", "uk": "Інші регіони…"},
    "start_pick": {
        "en": "Or tap a region to subscribe right away:",
        "ru": "Или нажмите на регион, чтобы сразу подписаться:",
        "uk": "Або натисніть на регіон, щоб одразу підписатися:",
    },
    "regions_pick_country": {
        "en": "Pick a country to browse its regions, or search: <code>/regions Kharkiv</code>.",
        "ru": "Выберите страну, чтобы просмотреть регионы, или найдите: "
        "<code>/regions харьк</code>.",
        "uk": "Оберіть країну, щоб переглянути регіони, або знайдіть: <code>/regions харк</code>.",
    },
    "regions_country_RU": {"en": "🇷🇺 Russia", "ru": "🇷🇺 Россия", "uk": "🇷🇺 Росія"},
    "regions_country_UA": {"en": "🇺🇦 Ukraine", "ru": "🇺🇦 Украина", "uk": "🇺🇦 Україна"},
    "regions_page": {
        "en": "<b>{country}</b>: tap a region to subscribe (page {page} of {pages}).",
        "ru": "<b>{country}</b>: нажмите на регион, чтобы подписаться (стр. {page} из {pages}).",
        "uk": "<b>{country}</b>: натисніть на регіон, щоб підписатися (стор. {page} з {pages}).",
    },
    "regions_found": {
        "en": "Regions matching <b>{query}</b>: tap one to subscribe.",
        "ru": "Регионы по запросу <b>{query}</b>: нажмите, чтобы подписаться.",
        "uk": "Регіони за запитом <b>{query}</b>: натисніть, щоб підписатися.",
    },
    "regions_none": {
        "en": "No region matches <b>{query}</b>. /regions lists them all.",
        "ru": "Нет региона, похожего на <b>{query}</b>. /regions — все регионы.",
        "uk": "Немає регіону, схожого на <b>{query}</b>. /regions — усі регіони.",
    },
    "regions_back": {"en": "⬅ Countries", "ru": "⬅ Страны", "uk": "⬅ Країни"},
    "mute_done": {
        "en": "🔕 Alerts muted for {duration}, until {until}. /unmute brings them back.",
        "ru": "🔕 Оповещения отключены на {duration}, до {until}. /unmute — включить снова.",
        "uk": "🔕 Сповіщення вимкнено на {duration}, до {until}. /unmute — увімкнути знову.",
    },
    "duration_invalid": {
        "en": "I didn't understand that duration. Try <code>/mute 30m</code>, "
        "<code>/mute 2h</code> or <code>/mute 1d</code>.",
        "ru": "Не понял срок. Например: <code>/mute 30m</code>, <code>/mute 2h</code> или "
        "<code>/mute 1d</code>.",
        "uk": "Не зрозумів термін. Наприклад: <code>/mute 30m</code>, <code>/mute 2h</code> або "
        "<code>/mute 1d</code>.",
    },
    "duration_too_long": {
        "en": "At most 30 days. For longer, /unsubscribe or /unwatch instead.",
        "ru": "Не больше 30 дней. Для более долгого срока — /unsubscribe или /unwatch.",
        "uk": "Не більше 30 днів. Для довшого терміну — /unsubscribe або /unwatch.",
    },
    "unmute_done": {
        "en": "🔔 Alerts are back on.",
        "ru": "🔔 Оповещения снова включены.",
        "uk": "🔔 Сповіщення знову увімкнено.",
    },
    "unmute_nothing": {
        "en": "Nothing was muted; alerts are on.",
        "ru": "Ничего не было отключено, оповещения включены.",
        "uk": "Нічого не було вимкнено, сповіщення увімкнені.",
    },
    "mute_source_done": {
        "en": "🔕 {source} muted for {duration}.",
        "ru": "🔕 {source}: без оповещений {duration}.",
        "uk": "🔕 {source}: без сповіщень {duration}.",
    },
    "mute_term_done": {
        "en": "🔕 «{term}» muted for {duration}.",
        "ru": "🔕 «{term}»: без оповещений {duration}.",
        "uk": "🔕 «{term}»: без сповіщень {duration}.",
    },
    "mute_button_stale": {
        "en": "That is no longer on your list.",
        "ru": "Этого уже нет в вашем списке.",
        "uk": "Цього вже немає у вашому списку.",
    },
    "quiet_usage": {
        "en": "Quiet hours now: {quiet}. Set them like <code>/quiet 23:00-07:00</code> (in your "
        "time zone, /tz), or <code>/quiet off</code>.",
        "ru": "Тихие часы сейчас: {quiet}. Задайте так: <code>/quiet 23:00-07:00</code> (по "
        "вашему часовому поясу, /tz) или <code>/quiet off</code>.",
        "uk": "Тихі години зараз: {quiet}. Задайте так: <code>/quiet 23:00-07:00</code> (за "
        "вашим часовим поясом, /tz) або <code>/quiet off</code>.",
    },
    "quiet_invalid": {
        "en": "I didn't understand those hours. Use <code>/quiet 23:00-07:00</code> or "
        "<code>/quiet off</code>.",
        "ru": "Не понял часы. Используйте <code>/quiet 23:00-07:00</code> или "
        "<code>/quiet off</code>.",
        "uk": "Не зрозумів години. Використайте <code>/quiet 23:00-07:00</code> або "
        "<code>/quiet off</code>.",
    },
    "quiet_done": {
        "en": "🌙 Quiet hours {start}–{end} ({zone}). Alerts in that time arrive as one summary "
        "afterwards; urgent terms (/urgent) come through anyway.",
        "ru": "🌙 Тихие часы {start}–{end} ({zone}). Оповещения за это время придут одной "
        "сводкой после; срочные слова (/urgent) приходят сразу.",
        "uk": "🌙 Тихі години {start}–{end} ({zone}). Сповіщення за цей час надійдуть одним "
        "зведенням потім; термінові слова (/urgent) надходять одразу.",
    },
    "quiet_off": {
        "en": "Quiet hours are off.",
        "ru": "Тихие часы отключены.",
        "uk": "Тихі години вимкнено.",
    },
    "urgent_usage": {
        "en": "Which watch term? <code>/urgent drone</code> lets it through quiet hours; "
        "<code>/urgent off drone</code> stops that. Urgent now: {terms}",
        "ru": "Какое слово? <code>/urgent дрон</code> — приходит и в тихие часы; "
        "<code>/urgent off дрон</code> — отменить. Срочные сейчас: {terms}",
        "uk": "Яке слово? <code>/urgent дрон</code> — надходить і в тихі години; "
        "<code>/urgent off дрон</code> — скасувати. Термінові зараз: {terms}",
    },
    "urgent_done": {
        "en": "⚡ <b>{term}</b> is urgent: it comes through quiet hours.",
        "ru": "⚡ <b>{term}</b> — срочное слово: приходит и в тихие часы.",
        "uk": "⚡ <b>{term}</b> — термінове слово: надходить і в тихі години.",
    },
    "urgent_already": {
        "en": "<b>{term}</b> is already urgent.",
        "ru": "<b>{term}</b> уже срочное.",
        "uk": "<b>{term}</b> уже термінове.",
    },
    "urgent_off_done": {
        "en": "<b>{term}</b> is no longer urgent.",
        "ru": "<b>{term}</b> больше не срочное.",
        "uk": "<b>{term}</b> більше не термінове.",
    },
    "urgent_not": {
        "en": "<b>{term}</b> was not urgent.",
        "ru": "<b>{term}</b> и не было срочным.",
        "uk": "<b>{term}</b> і не було терміновим.",
    },
    "urgent_not_watched": {
        "en": "<b>{term}</b> is not on your watchlist; add it with /watch first.",
        "ru": "<b>{term}</b> нет в вашем списке; сначала добавьте его через /watch.",
        "uk": "<b>{term}</b> немає у вашому списку; спершу додайте його через /watch.",
    },
    "tz_usage": {
        "en": "Your time zone: {zone}. Change it with <code>/tz Europe/Kyiv</code>, "
        "<code>/tz Moscow</code> or <code>/tz +3</code>.",
        "ru": "Ваш часовой пояс: {zone}. Изменить: <code>/tz Europe/Moscow</code>, "
        "<code>/tz Moscow</code> или <code>/tz +3</code>.",
        "uk": "Ваш часовий пояс: {zone}. Змінити: <code>/tz Europe/Kyiv</code>, "
        "<code>/tz Kyiv</code> або <code>/tz +2</code>.",
    },
    "tz_done": {
        "en": "🕒 Time zone: {zone}.",
        "ru": "🕒 Часовой пояс: {zone}.",
        "uk": "🕒 Часовий пояс: {zone}.",
    },
    "tz_invalid": {
        "en": "I don't know the time zone <b>{query}</b>. Use a name such as "
        "<code>Europe/Kyiv</code>, a city (Moscow, Kyiv) or an offset such as <code>+3</code>.",
        "ru": "Не знаю часового пояса <b>{query}</b>. Укажите название вроде "
        "<code>Europe/Moscow</code>, город (Москва, Киев) или смещение вроде <code>+3</code>.",
        "uk": "Не знаю часового поясу <b>{query}</b>. Вкажіть назву на зразок "
        "<code>Europe/Kyiv</code>, місто (Київ, Москва) або зсув на зразок <code>+2</code>.",
    },
    "tz_whole_hours": {
        "en": "Offsets work in whole hours, up to 14 (<code>/tz +3</code>); otherwise use the "
        "zone's name, such as <code>Asia/Kolkata</code>.",
        "ru": "Смещение — в целых часах, до 14 (<code>/tz +3</code>); иначе укажите название "
        "пояса, например <code>Asia/Kolkata</code>.",
        "uk": "Зсув — у цілих годинах, до 14 (<code>/tz +2</code>); інакше вкажіть назву "
        "поясу, наприклад <code>Asia/Kolkata</code>.",
    },
    "lang_usage": {
        "en": "Choose a language: <code>/lang en</code>, <code>/lang ru</code> or "
        "<code>/lang uk</code>.",
        "ru": "Выберите язык: <code>/lang en</code>, <code>/lang ru</code> или "
        "<code>/lang uk</code>.",
        "uk": "Оберіть мову: <code>/lang en</code>, <code>/lang ru</code> або "
        "<code>/lang uk</code>.",
    },
    "lang_done": {
        "en": "Language: English.",
        "ru": "Язык: русский.",
        "uk": "Мова: українська.",
    },
    "settings": {
        "en": "<b>Settings of this chat</b>\nLanguage: {language}\nTime zone: {zone}\n"
        "Alerts: {alerts}\nQuiet hours: {quiet}\nUrgent terms: {urgent}\n"
        "Muted sources: {sources}\nMuted terms: {terms}\nAlerts go to: {topic}\n\n{list}",
        "ru": "<b>Настройки этого чата</b>\nЯзык: {language}\nЧасовой пояс: {zone}\n"
        "Оповещения: {alerts}\nТихие часы: {quiet}\nСрочные слова: {urgent}\n"
        "Отключённые источники: {sources}\nОтключённые слова: {terms}\nКуда: {topic}\n\n{list}",
        "uk": "<b>Налаштування цього чату</b>\nМова: {language}\nЧасовий пояс: {zone}\n"
        "Сповіщення: {alerts}\nТихі години: {quiet}\nТермінові слова: {urgent}\n"
        "Вимкнені джерела: {sources}\nВимкнені слова: {terms}\nКуди: {topic}\n\n{list}",
    },
    "settings_on": {"en": "on", "ru": "включены", "uk": "увімкнені"},
    "lang_name": {"en": "English", "ru": "русский", "uk": "українська"},
    "settings_muted": {
        "en": "muted until {until}",
        "ru": "отключены до {until}",
        "uk": "вимкнені до {until}",
    },
    "settings_digest_only": {"en": "digest only", "ru": "только сводка", "uk": "лише зведення"},
    "settings_none": {"en": "none", "ru": "нет", "uk": "немає"},
    "settings_until": {"en": "until {until}", "ru": "до {until}", "uk": "до {until}"},
    "settings_main_chat": {"en": "this chat", "ru": "этот чат", "uk": "цей чат"},
    "settings_topic": {"en": "topic {topic}", "ru": "тема {topic}", "uk": "тема {topic}"},
    "recent_header": {
        "en": "<b>Last 24 hours</b> · {what}",
        "ru": "<b>За 24 часа</b> · {what}",
        "uk": "<b>За 24 години</b> · {what}",
    },
    "recent_yours": {
        "en": "your regions and terms",
        "ru": "ваши регионы и слова",
        "uk": "ваші регіони й слова",
    },
    "recent_none": {
        "en": "Nothing in the last 24 hours for {what}.",
        "ru": "За последние 24 часа ничего: {what}.",
        "uk": "За останні 24 години нічого: {what}.",
    },
    "recent_nothing_followed": {
        "en": "You follow nothing yet. Try <code>/recent Belgorod</code>, or /subscribe.",
        "ru": "Вы пока ни на что не подписаны. Попробуйте <code>/recent Белгород</code> или "
        "/subscribe.",
        "uk": "Ви поки ні на що не підписані. Спробуйте <code>/recent Харків</code> або "
        "/subscribe.",
    },
    "recent_more": {
        "en": "…and {count} more.",
        "ru": "…и ещё {count}.",
        "uk": "…і ще {count}.",
    },
    "sources_header": {
        "en": "<b>Sources</b> ({count})",
        "ru": "<b>Источники</b> ({count})",
        "uk": "<b>Джерела</b> ({count})",
    },
    "source_ok": {"en": "working", "ru": "работает", "uk": "працює"},
    "source_new": {"en": "not polled yet", "ru": "ещё не опрашивался", "uk": "ще не опитувалося"},
    "source_paused": {"en": "paused", "ru": "приостановлен", "uk": "призупинене"},
    "source_failing": {
        "en": "failing ({failures}× in a row): {error}",
        "ru": "ошибки ({failures} подряд): {error}",
        "uk": "помилки ({failures} поспіль): {error}",
    },
    "export_intro": {
        "en": "This chat's settings. To restore them here or in another chat, send "
        "<code>/import</code> followed by this text:",
        "ru": "Настройки этого чата. Чтобы восстановить их здесь или в другом чате, отправьте "
        "<code>/import</code> и этот текст:",
        "uk": "Налаштування цього чату. Щоб відновити їх тут або в іншому чаті, надішліть "
        "<code>/import</code> і цей текст:",
    },
    "import_usage": {
        "en": "Paste the text from /export after <code>/import</code>.",
        "ru": "Вставьте текст из /export после <code>/import</code>.",
        "uk": "Вставте текст із /export після <code>/import</code>.",
    },
    "import_invalid": {
        "en": "That is not a Lookout settings document: {reason}. Nothing was changed.",
        "ru": "Это не документ настроек Lookout: {reason}. Ничего не изменено.",
        "uk": "Це не документ налаштувань Lookout: {reason}. Нічого не змінено.",
    },
    "import_done": {
        "en": "✅ Imported: {regions} new region(s), {terms} new watch term(s); language, time "
        "zone, quiet hours and urgent terms set. /settings shows them.",
        "ru": "✅ Импортировано: новых регионов — {regions}, новых слов — {terms}; язык, "
        "часовой пояс, тихие часы и срочные слова заданы. /settings — проверить.",
        "uk": "✅ Імпортовано: нових регіонів — {regions}, нових слів — {terms}; мову, часовий "
        "пояс, тихі години й термінові слова задано. /settings — перевірити.",
    },
    "import_not_json": {
        "en": "it is not the JSON text /export gives",
        "ru": "это не JSON-текст из /export",
        "uk": "це не JSON-текст з /export",
    },
    "import_bad_field": {
        "en": "the field «{field}» is wrong (expected: {value})",
        "ru": "неверное поле «{field}» (ожидалось: {value})",
        "uk": "неправильне поле «{field}» (очікувалося: {value})",
    },
    "addsource_usage": {
        "en": "Usage: <code>/addsource https://example.org/feed.xml [name]</code>",
        "ru": "Так: <code>/addsource https://example.org/feed.xml [имя]</code>",
        "uk": "Так: <code>/addsource https://example.org/feed.xml [ім'я]</code>",
    },
    "addsource_bad_url": {
        "en": "A source needs an http(s) address, got <b>{url}</b>.",
        "ru": "Нужен адрес http(s), а не <b>{url}</b>.",
        "uk": "Потрібна адреса http(s), а не <b>{url}</b>.",
    },
    "addsource_done": {
        "en": "➕ Source <b>{name}</b> added: {url}\nIts current items are stored without "
        "alerts; new ones alert from the next poll.",
        "ru": "➕ Источник <b>{name}</b> добавлен: {url}\nТекущие записи сохраняются без "
        "оповещений; новые придут со следующего опроса.",
        "uk": "➕ Джерело <b>{name}</b> додано: {url}\nПоточні записи зберігаються без "
        "сповіщень; нові надійдуть з наступного опитування.",
    },
    "addsource_exists": {
        "en": "A source called <b>{name}</b> already exists: {url}",
        "ru": "Источник <b>{name}</b> уже есть: {url}",
        "uk": "Джерело <b>{name}</b> уже є: {url}",
    },
    "source_usage": {
        "en": "Which source? /sources lists their names.",
        "ru": "Какой источник? /sources — список имён.",
        "uk": "Яке джерело? /sources — список імен.",
    },
    "source_unknown": {
        "en": "No source called <b>{name}</b>. /sources lists them.",
        "ru": "Нет источника <b>{name}</b>. /sources — список.",
        "uk": "Немає джерела <b>{name}</b>. /sources — список.",
    },
    "removesource_done": {
        "en": "➖ Source <b>{name}</b> removed with its stored items.",
        "ru": "➖ Источник <b>{name}</b> удалён вместе с его записями.",
        "uk": "➖ Джерело <b>{name}</b> видалено разом із його записами.",
    },
    "pause_done": {
        "en": "⏸ <b>{name}</b> paused; /resume {name} polls it again.",
        "ru": "⏸ <b>{name}</b> приостановлен; /resume {name} — возобновить.",
        "uk": "⏸ <b>{name}</b> призупинено; /resume {name} — відновити.",
    },
    "resume_done": {
        "en": "▶️ <b>{name}</b> is polled again.",
        "ru": "▶️ <b>{name}</b> снова опрашивается.",
        "uk": "▶️ <b>{name}</b> знову опитується.",
    },
    "stats": {
        "en": "<b>Lookout</b>\nSources: {sources} ({failing} failing, {paused} paused)\n"
        "Chats: {chats} active, {inactive} inactive\nItems, last 24 h: {items_day} "
        "(stored: {items})\nAlerts, last 24 h: {alerts_day}\nOutbox waiting: {outbox}\n"
        "Failed sends, last 24 h: {failed_day}",
        "ru": "<b>Lookout</b>\nИсточники: {sources} (с ошибками: {failing}, на паузе: {paused})\n"
        "Чаты: активных {chats}, неактивных {inactive}\nЗаписей за 24 ч: {items_day} "
        "(всего: {items})\nОповещений за 24 ч: {alerts_day}\nВ очереди: {outbox}\n"
        "Неудачных отправок за 24 ч: {failed_day}",
        "uk": "<b>Lookout</b>\nДжерела: {sources} (з помилками: {failing}, на паузі: {paused})\n"
        "Чати: активних {chats}, неактивних {inactive}\nЗаписів за 24 год: {items_day} "
        "(усього: {items})\nСповіщень за 24 год: {alerts_day}\nУ черзі: {outbox}\n"
        "Невдалих надсилань за 24 год: {failed_day}",
    },
    "opml_export": {
        "en": "Lookout's sources as OPML. Send <code>/opml</code> followed by OPML text, or an "
        ".opml file, to import feeds.",
        "ru": "Источники Lookout в формате OPML. Чтобы импортировать ленты, отправьте "
        "<code>/opml</code> и текст OPML или файл .opml.",
        "uk": "Джерела Lookout у форматі OPML. Щоб імпортувати стрічки, надішліть "
        "<code>/opml</code> і текст OPML або файл .opml.",
    },
    "opml_imported": {
        "en": "➕ OPML imported: {added} new source(s), {known} already known.",
        "ru": "➕ OPML импортирован: новых источников — {added}, уже известных — {known}.",
        "uk": "➕ OPML імпортовано: нових джерел — {added}, уже відомих — {known}.",
    },
    "opml_invalid": {
        "en": "That is not an OPML list of feeds: {reason}. Nothing was added.",
        "ru": "Это не OPML-список лент: {reason}. Ничего не добавлено.",
        "uk": "Це не OPML-список стрічок: {reason}. Нічого не додано.",
    },
    "cmd_regions": {"en": "Browse regions", "ru": "Список регионов", "uk": "Список регіонів"},
    "cmd_mute": {
        "en": "Pause alerts for a while",
        "ru": "Отключить оповещения на время",
        "uk": "Вимкнути сповіщення на час",
    },
    "cmd_unmute": {
        "en": "Alerts back on",
        "ru": "Включить оповещения",
        "uk": "Увімкнути сповіщення",
    },
    "cmd_quiet": {"en": "Quiet hours", "ru": "Тихие часы", "uk": "Тихі години"},
    "cmd_urgent": {
        "en": "Terms that come through quiet hours",
        "ru": "Срочные слова",
        "uk": "Термінові слова",
    },
    "cmd_tz": {"en": "Your time zone", "ru": "Часовой пояс", "uk": "Часовий пояс"},
    "cmd_lang": {"en": "Language", "ru": "Язык", "uk": "Мова"},
    "cmd_recent": {"en": "The last 24 hours", "ru": "Последние 24 часа", "uk": "Останні 24 години"},
    "cmd_sources": {"en": "News sources", "ru": "Источники новостей", "uk": "Джерела новин"},
    "cmd_settings": {
        "en": "This chat's settings",
        "ru": "Настройки чата",
        "uk": "Налаштування чату",
    },
    "cmd_export": {
        "en": "Settings as text",
        "ru": "Настройки текстом",
        "uk": "Налаштування текстом",
    },
    "cmd_import": {
        "en": "Restore exported settings",
        "ru": "Восстановить настройки",
        "uk": "Відновити налаштування",
    },
    # -- alerts: delivery (outbox sender) --
    "alert_also": {
        "en": "➕ Also reported by: {sources}",
        "ru": "➕ Также сообщают: {sources}",
        "uk": "➕ Також повідомляють: {sources}",
    },
    "alert_flood": {
        "en": "📚 {count} more alerts in the last hour:",
        "ru": "📚 Ещё {count} оповещений за последний час:",
        "uk": "📚 Ще {count} сповіщень за останню годину:",
    },
    "alert_flood_recent": {
        "en": "All of them: /recent",
        "ru": "Все: /recent",
        "uk": "Усі: /recent",
    },
    "alert_mute_source": {
        "en": "🔕 {source} for {hours} h",
        "ru": "🔕 {source} на {hours} ч",
        "uk": "🔕 {source} на {hours} год",
    },
    "alert_mute_term": {
        "en": "🔕 «{term}» for {hours} h",
        "ru": "🔕 «{term}» на {hours} ч",
        "uk": "🔕 «{term}» на {hours} год",
    },
    "operator_source_paused": {
        "en": "⏸ Source <b>{name}</b> is paused after {failures} failed polls in a row.\n"
        "Last error: {error}\nResume it with <code>python -m bot resume-source {name}</code>",
        "ru": "⏸ Источник <b>{name}</b> приостановлен после {failures} неудачных опросов "
        "подряд.\nПоследняя ошибка: {error}\n"
        "Возобновить: <code>python -m bot resume-source {name}</code>",
        "uk": "⏸ Джерело <b>{name}</b> призупинено після {failures} невдалих опитувань "
        "поспіль.\nОстання помилка: {error}\n"
        "Відновити: <code>python -m bot resume-source {name}</code>",
    },
    # -- watch queries, /test, towns (issue 5, Matching) -----------------------------------
    "help_watch": {
        "en": (
            "<b>Watch queries</b>\n"
            "<code>/watch дрон</code> — a word, in any inflected form (дроны, дронов…)\n"
            '<code>/watch "power outage"</code> — a phrase: its words in sequence\n'
            "<code>/watch дрон*</code> — any word starting with дрон\n"
            "<code>/watch дрон белгород</code> — both words (same as <code>AND</code>)\n"
            "<code>/watch дрон OR бпла</code> — either\n"
            "<code>/watch дрон -учения</code> — but not учения (same as <code>NOT</code>)\n"
            "<code>/watch (дрон OR бпла) белгород</code> — parentheses group\n"
            "<code>/watch title:взрыв</code> — only in the title; "
            '<code>title:"phrase"</code> too\n\n'
            "Operators only in capitals (AND, OR, NOT; И, ИЛИ, НЕ; І, АБО). "
            "Try a query on the last 24 hours first: <code>/test дрон -учения</code>"
        ),
        "ru": (
            "<b>Запросы для /watch</b>\n"
            "<code>/watch дрон</code> — слово в любой форме (дроны, дронов…)\n"
            "<code>/watch «отключение света»</code> — фраза: слова подряд\n"
            "<code>/watch дрон*</code> — любое слово, начинающееся с «дрон»\n"
            "<code>/watch дрон белгород</code> — оба слова (то же, что <code>И</code>)\n"
            "<code>/watch дрон ИЛИ бпла</code> — любое из них\n"
            "<code>/watch дрон -учения</code> — но без «учения» (то же, что <code>НЕ</code>)\n"
            "<code>/watch (дрон ИЛИ бпла) белгород</code> — скобки группируют\n"
            "<code>/watch title:взрыв</code> — только в заголовке; "
            "<code>title:«фраза»</code> тоже\n\n"
            "Операторы — только заглавными (И, ИЛИ, НЕ; AND, OR, NOT). "
            "Проверьте запрос на последних сутках: <code>/test дрон -учения</code>"
        ),
        "uk": (
            "<b>Запити для /watch</b>\n"
            "<code>/watch обстріл</code> — слово в будь-якій формі (обстріли, обстрілів…)\n"
            "<code>/watch «відключення світла»</code> — фраза: слова поспіль\n"
            "<code>/watch дрон*</code> — будь-яке слово, що починається з «дрон»\n"
            "<code>/watch дрон харків</code> — обидва слова (те саме, що <code>І</code>)\n"
            "<code>/watch дрон АБО бпла</code> — будь-яке з них\n"
            "<code>/watch дрон -навчання</code> — але без «навчання» "
            "(те саме, що <code>НЕ</code>)\n"
            "<code>/watch (дрон АБО бпла) харків</code> — дужки групують\n"
            "<code>/watch title:вибух</code> — лише в заголовку; "
            "<code>title:«фраза»</code> теж\n\n"
            "Оператори — лише великими літерами (І, АБО, НЕ; AND, OR, NOT). "
            "Перевірте запит на останній добі: <code>/test дрон -навчання</code>"
        ),
    },
    "query_error": {
        "en": "I can't read this query: {problem}.\n{where}/help watch explains queries.",
        "ru": "Не могу разобрать запрос: {problem}.\n{where}/help watch — как писать запросы.",
        "uk": "Не можу розібрати запит: {problem}.\n{where}/help watch — як писати запити.",
    },
    "query_unclosed_quote": {
        "en": "the quote at column {column} is never closed",
        "ru": "кавычка в позиции {column} не закрыта",
        "uk": "лапки в позиції {column} не закрито",
    },
    "query_unopened_paren": {
        "en": '")" at column {column} has no "(" before it',
        "ru": "у «)» в позиции {column} нет парной «(»",
        "uk": "у «)» в позиції {column} немає парної «(»",
    },
    "query_unclosed_paren": {
        "en": '"(" at column {column} is never closed',
        "ru": "«(» в позиции {column} не закрыта",
        "uk": "«(» в позиції {column} не закрито",
    },
    "query_needs_term_after": {
        "en": "{token} at column {column} needs a term after it",
        "ru": "после {token} в позиции {column} нужно слово",
        "uk": "після {token} в позиції {column} потрібне слово",
    },
    "query_needs_term_before": {
        "en": "{token} at column {column} needs a term before it",
        "ru": "перед {token} в позиции {column} нужно слово",
        "uk": "перед {token} в позиції {column} потрібне слово",
    },
    "query_empty_parens": {
        "en": "empty parentheses at column {column}",
        "ru": "пустые скобки в позиции {column}",
        "uk": "порожні дужки в позиції {column}",
    },
    "query_empty_phrase": {
        "en": "empty quotes at column {column}",
        "ru": "пустые кавычки в позиции {column}",
        "uk": "порожні лапки в позиції {column}",
    },
    "query_short_prefix": {
        "en": "the prefix at column {column} needs at least {token} letters before *",
        "ru": "в префиксе в позиции {column} нужно хотя бы {token} буквы перед *",
        "uk": "у префіксі в позиції {column} потрібно щонайменше {token} літери перед *",
    },
    "query_no_letters": {
        "en": "the term at column {column} has no letters or digits",
        "ru": "в слове в позиции {column} нет ни букв, ни цифр",
        "uk": "у слові в позиції {column} немає ні літер, ні цифр",
    },
    "query_star_inside": {
        "en": "* at column {column} may only end a word (дрон*), not sit inside it or in quotes",
        "ru": "* в позиции {column} ставится только в конце слова (дрон*), не внутри и не в "
        "кавычках",
        "uk": "* в позиції {column} ставиться лише в кінці слова (дрон*), не всередині й не в "
        "лапках",
    },
    "query_unknown_field": {
        "en": 'unknown field "{token}:" at column {column}; there is only title:',
        "ru": "неизвестное поле «{token}:» в позиции {column}; есть только title:",
        "uk": "невідоме поле «{token}:» в позиції {column}; є лише title:",
    },
    "query_only_negative": {
        "en": "it needs at least one term that is not excluded with NOT or -",
        "ru": "нужно хотя бы одно слово без NOT или -",
        "uk": "потрібне хоча б одне слово без NOT або -",
    },
    "query_empty": {"en": "it is empty", "ru": "он пуст", "uk": "він порожній"},
    "query_too_deep": {
        "en": "parentheses nest too deep at column {column}",
        "ru": "слишком глубокая вложенность скобок в позиции {column}",
        "uk": "занадто глибока вкладеність дужок у позиції {column}",
    },
    "query_too_many_terms": {
        "en": "at most {token} terms per query",
        "ru": "не больше {token} слов в запросе",
        "uk": "не більше {token} слів у запиті",
    },
    "test_usage": {
        "en": "Which query? For example: <code>/test дрон -учения</code> shows what it would "
        "have matched in the last 24 hours. /help watch explains queries.",
        "ru": "Какой запрос? Например: <code>/test дрон -учения</code> покажет, что он нашёл бы "
        "за последние сутки. /help watch — как писать запросы.",
        "uk": "Який запит? Наприклад: <code>/test дрон -навчання</code> покаже, що він знайшов "
        "би за останню добу. /help watch — як писати запити.",
    },
    "test_none": {
        "en": "<b>{query}</b> would have matched none of the last 24 hours' {total} items.",
        "ru": "<b>{query}</b> не нашёл бы ничего среди {total} материалов за последние сутки.",
        "uk": "<b>{query}</b> не знайшов би нічого серед {total} матеріалів за останню добу.",
    },
    "test_found": {
        "en": "<b>{query}</b> would have matched {count} of the last 24 hours' {total} items:",
        "ru": "<b>{query}</b> нашёл бы {count} из {total} материалов за последние сутки:",
        "uk": "<b>{query}</b> знайшов би {count} з {total} матеріалів за останню добу:",
    },
    "test_more": {
        "en": "…and {count} more.",
        "ru": "…и ещё {count}.",
        "uk": "…і ще {count}.",
    },
    "cmd_test": {
        "en": "Try a watch query on the last 24 hours",
        "ru": "Проверить запрос на последних сутках",
        "uk": "Перевірити запит на останній добі",
    },
    "town_choice": {
        "en": "<b>{town}</b> is a town in <b>{region}</b>. Alerts for the whole region, or "
        "only when {town} is mentioned?",
        "ru": "<b>{town}</b> — город в регионе <b>{region}</b>. Оповещения по всему региону или "
        "только когда упоминается {town}?",
        "uk": "<b>{town}</b> — місто в регіоні <b>{region}</b>. Сповіщення про весь регіон чи "
        "лише коли згадують {town}?",
    },
    "town_only": {
        "en": "📍 {town} only",
        "ru": "📍 Только {town}",
        "uk": "📍 Лише {town}",
    },
    "list_towns": {
        "en": "<b>Your towns</b>",
        "ru": "<b>Ваши города</b>",
        "uk": "<b>Ваші міста</b>",
    },
    "query_too_long": {
        "en": "at most {token} characters per query",
        "ru": "не больше {token} символов в запросе",
        "uk": "не більше {token} символів у запиті",
    },
    # -- abuse limits (bot.subscriptions caps, bot.telegram.limits) --
    "limit_watch_terms": {
        "en": "This chat already watches {limit} terms, the most it may have. "
        "Remove one with /unwatch first; /list shows them.",
        "ru": "В этом чате уже {limit} слов — больше нельзя. "
        "Сначала уберите одно через /unwatch; /list покажет список.",
        "uk": "У цьому чаті вже {limit} слів — більше не можна. "
        "Спершу приберіть одне через /unwatch; /list покаже список.",
    },
    "limit_regions": {
        "en": "This chat already follows {limit} regions and towns, the most it may have. "
        "Remove one with /unsubscribe first.",
        "ru": "Этот чат уже следит за {limit} регионами и городами — больше нельзя. "
        "Сначала отпишитесь от одного через /unsubscribe.",
        "uk": "Цей чат уже стежить за {limit} регіонами й містами — більше не можна. "
        "Спершу відпишіться від одного через /unsubscribe.",
    },
    "rate_limited": {
        "en": "⏳ Too many commands: at most {limit} a minute per chat. Try again in {seconds} s.",
        "ru": "⏳ Слишком много команд: не больше {limit} в минуту на чат. "
        "Повторите через {seconds} с.",
        "uk": "⏳ Забагато команд: не більше {limit} на хвилину на чат. Спробуйте за {seconds} с.",
    },
    # -- digests (bot.digest, bot.telegram.digest_commands) --
    "digest_title": {
        "en": "📰 <b>Daily digest</b>",
        "ru": "📰 <b>Сводка за день</b>",
        "uk": "📰 <b>Зведення за день</b>",
    },
    "digest_weekly_title": {
        "en": "📰 <b>Weekly digest</b>",
        "ru": "📰 <b>Сводка за неделю</b>",
        "uk": "📰 <b>Зведення за тиждень</b>",
    },
    "digest_since": {"en": "since {since}", "ru": "с {since}", "uk": "з {since}"},
    "digest_empty": {
        "en": "Nothing matched your regions and watch terms.",
        "ru": "По вашим регионам и словам ничего не было.",
        "uk": "За вашими регіонами й словами нічого не було.",
    },
    "digest_total": {"en": "Stories: {count}", "ru": "Сюжетов: {count}", "uk": "Сюжетів: {count}"},
    "digest_count": {"en": "{count} stories", "ru": "сюжетов: {count}", "uk": "сюжетів: {count}"},
    "digest_sources": {
        "en": "{count} sources",
        "ru": "источников: {count}",
        "uk": "джерел: {count}",
    },
    "digest_more": {
        "en": "… and {count} more: {command}",
        "ru": "… и ещё {count}: {command}",
        "uk": "… і ще {count}: {command}",
    },
    "digest_continued": {
        "en": "{heading} (continued)",
        "ru": "{heading} (продолжение)",
        "uk": "{heading} (продовження)",
    },
    "digest_usage": {
        "en": "Digest: {state}.\n<code>/digest 08:00</code> — daily at your local time "
        "({zone})\n<code>/digest weekly mon 09:00</code> — weekly\n<code>/digest now</code> — "
        "what the next one would hold\n<code>/digest off</code>\n<code>/alerts off</code> — "
        "the digest only, no instant alerts",
        "ru": "Сводка: {state}.\n<code>/digest 08:00</code> — каждый день в ваше местное время "
        "({zone})\n<code>/digest weekly пн 09:00</code> — раз в неделю\n<code>/digest now</code>"
        " — что будет в следующей\n<code>/digest off</code>\n<code>/alerts off</code> — только "
        "сводка, без мгновенных оповещений",
        "uk": "Зведення: {state}.\n<code>/digest 08:00</code> — щодня у ваш місцевий час "
        "({zone})\n<code>/digest weekly пн 09:00</code> — щотижня\n<code>/digest now</code> — "
        "що буде в наступному\n<code>/digest off</code>\n<code>/alerts off</code> — лише "
        "зведення, без миттєвих сповіщень",
    },
    "digest_state_off": {"en": "off", "ru": "выключена", "uk": "вимкнене"},
    "digest_state_daily": {"en": "daily at {at}", "ru": "каждый день в {at}", "uk": "щодня о {at}"},
    "digest_state_weekly": {
        "en": "weekly, {day} at {at}",
        "ru": "раз в неделю, {day} в {at}",
        "uk": "щотижня, {day} о {at}",
    },
    "digest_days": {
        "en": "Mon Tue Wed Thu Fri Sat Sun",
        "ru": "пн вт ср чт пт сб вс",
        "uk": "пн вт ср чт пт сб нд",
    },
    "digest_done": {
        "en": "📰 Digest: {state} ({zone}). The first one comes at the next {at}.",
        "ru": "📰 Сводка: {state} ({zone}). Первая придёт в ближайшие {at}.",
        "uk": "📰 Зведення: {state} ({zone}). Перше прийде найближчої {at}.",
    },
    "digest_off_done": {"en": "Digest off.", "ru": "Сводка выключена.", "uk": "Зведення вимкнене."},
    "digest_invalid": {
        "en": "I did not understand that. Try <code>/digest 08:00</code> or "
        "<code>/digest weekly mon 09:00</code>.",
        "ru": "Не понял. Попробуйте <code>/digest 08:00</code> или "
        "<code>/digest weekly пн 09:00</code>.",
        "uk": "Не зрозумів. Спробуйте <code>/digest 08:00</code> або "
        "<code>/digest weekly пн 09:00</code>.",
    },
    "digest_button": {
        "en": "📰 Daily digest at 08:00",
        "ru": "📰 Сводка каждый день в 08:00",
        "uk": "📰 Зведення щодня о 08:00",
    },
    "alerts_usage": {
        "en": "Instant alerts: {state}. <code>/alerts off</code> keeps only the digest; "
        "<code>/alerts on</code> brings them back.",
        "ru": "Мгновенные оповещения: {state}. <code>/alerts off</code> — только сводка; "
        "<code>/alerts on</code> — вернуть.",
        "uk": "Миттєві сповіщення: {state}. <code>/alerts off</code> — лише зведення; "
        "<code>/alerts on</code> — повернути.",
    },
    "alerts_on_done": {
        "en": "🔔 Instant alerts are on.",
        "ru": "🔔 Мгновенные оповещения включены.",
        "uk": "🔔 Миттєві сповіщення увімкнені.",
    },
    "alerts_off_done": {
        "en": "🔕 Instant alerts are off; the digest ({digest}) still comes.",
        "ru": "🔕 Мгновенные оповещения выключены; сводка ({digest}) приходит как прежде.",
        "uk": "🔕 Миттєві сповіщення вимкнені; зведення ({digest}) приходить як і раніше.",
    },
    "alerts_off_no_digest": {
        "en": "🔕 Instant alerts are off. You have no digest yet: <code>/digest 08:00</code>.",
        "ru": "🔕 Мгновенные оповещения выключены. Сводки пока нет: <code>/digest 08:00</code>.",
        "uk": "🔕 Миттєві сповіщення вимкнені. Зведення поки немає: <code>/digest 08:00</code>.",
    },
    "cmd_digest": {
        "en": "A daily or weekly digest",
        "ru": "Сводка раз в день или в неделю",
        "uk": "Зведення раз на день або тиждень",
    },
    "cmd_alerts": {
        "en": "Instant alerts on or off (digest only)",
        "ru": "Мгновенные оповещения вкл/выкл (только сводка)",
        "uk": "Миттєві сповіщення увімк/вимк (лише зведення)",
    },
}


def language_for(code: str | None) -> str:
    """The UI language for a Telegram `language_code` such as "ru", "uk" or "en-GB"."""
    base = (code or "en").split("-")[0].lower()
    return base if base in LANGUAGES else "en"


def t(lang: str, key: str, **values: object) -> str:
    forms = CATALOGUE[key]
    text = forms.get(lang) or forms["en"]
    return text.format(**values) if values else text
