// Lookout sandbox web chat: talks to the sandbox test API (/sandbox/...) as a Telegram user.
// The bot's HTML is never assigned to innerHTML: it is parsed in an inert document and
// rebuilt node by node from Telegram's tag allow-list.
"use strict";

(() => {
  // ?lang=ru|uk|en picks the user's Telegram language; ?user=N acts as another user (its own
  // private chat N and group -N), so several tabs or tests do not share a chat.
  const PARAMS = new URLSearchParams(location.search);
  const LANG = PARAMS.get("lang") || "en";
  const USER_ID = Math.abs(parseInt(PARAMS.get("user"), 10)) || 1001;
  const USER = { id: USER_ID, first_name: "You" };
  const CHATS = {
    private: { id: USER_ID, type: "private", title: null, name: "Lookout", status: "bot" },
    group: { id: -USER_ID, type: "group", title: "Test group", name: "Test group", status: "you and Lookout" },
  };
  const TAGS = {
    b: "b", strong: "b", i: "i", em: "i", u: "u", ins: "u", s: "s", strike: "s", del: "s",
    code: "code", pre: "pre", blockquote: "blockquote", a: "a", span: "span",
    "tg-spoiler": "span", "tg-emoji": "span",
  };
  const DROPPED = new Set(["script", "style", "template", "iframe", "object", "noscript"]);
  const SAFE_URL = /^(https?:|tg:|mailto:)/i;

  const $ = (id) => document.getElementById(id);
  const list = $("messages");
  const input = $("input");
  const popup = $("command-list");
  const toastBox = $("toast");

  let chat = CHATS.private;
  let rev = 0;
  let poller = null;
  let commands = [];
  let matches = [];
  let selected = 0;
  const rendered = new Map();

  // -- sanitizing the bot's HTML ---------------------------------------------------------

  function sanitize(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const out = document.createDocumentFragment();
    copyAllowed(doc.body, out);
    return out;
  }

  function copyAllowed(source, target) {
    for (const node of source.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.appendChild(document.createTextNode(node.data));
        continue;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = node.tagName.toLowerCase();
      if (DROPPED.has(tag)) continue;
      const mapped = TAGS[tag];
      if (!mapped) {
        copyAllowed(node, target);
        continue;
      }
      const el = document.createElement(mapped);
      if (tag === "a") {
        const href = node.getAttribute("href") || "";
        if (SAFE_URL.test(href)) {
          el.href = href;
          el.target = "_blank";
          el.rel = "noopener noreferrer";
        }
      } else if (tag === "tg-spoiler" || (tag === "span" && node.getAttribute("class") === "tg-spoiler")) {
        el.className = "spoiler";
        el.addEventListener("click", () => el.classList.add("revealed"));
      }
      copyAllowed(node, el);
      target.appendChild(el);
    }
  }

  // -- rendering messages ----------------------------------------------------------------

  function time(unixSeconds) {
    return new Date(unixSeconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function keyboard(message) {
    const rows = message.reply_markup && message.reply_markup.inline_keyboard;
    if (!Array.isArray(rows)) return null;
    const box = document.createElement("div");
    box.className = "keyboard";
    for (const row of rows) {
      const line = document.createElement("div");
      line.className = "kb-row";
      for (const button of row) {
        const el = document.createElement("button");
        el.type = "button";
        el.className = "kb-btn";
        el.textContent = button.text;
        if (typeof button.url === "string" && SAFE_URL.test(button.url)) {
          el.textContent = `${button.text} \u2197`;
          el.addEventListener("click", () => window.open(button.url, "_blank", "noopener,noreferrer"));
        } else if (typeof button.callback_data === "string") {
          el.addEventListener("click", () => press(message.message_id, button.callback_data));
        } else {
          el.disabled = true;
        }
        line.appendChild(el);
      }
      box.appendChild(line);
    }
    return box;
  }

  function place(el, messageId) {
    for (const [id, other] of rendered) {
      if (id > messageId) {
        list.insertBefore(el, other);
        return;
      }
    }
    list.appendChild(el);
  }

  // Returns true when a message appeared that was not on screen before.
  function render(message) {
    let el = rendered.get(message.message_id);
    if (message.deleted) {
      if (el) el.remove();
      rendered.delete(message.message_id);
      return false;
    }
    const fresh = !el;
    if (fresh) el = document.createElement("div");
    el.className = `msg ${message.from_bot ? "bot" : "me"}`;
    el.replaceChildren();
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    if (chat.type !== "private" && message.from_bot) {
      const sender = document.createElement("div");
      sender.className = "sender";
      sender.textContent = message.sender_name;
      bubble.appendChild(sender);
    }
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = `${message.edited ? "edited " : ""}${time(message.date)}`;
    const text = document.createElement("div");
    text.className = "text";
    const body = document.createElement("span");
    body.className = "body";
    body.appendChild(sanitize(message.html));
    text.append(body, meta);
    bubble.appendChild(text);
    el.appendChild(bubble);
    const buttons = keyboard(message);
    if (buttons) {
      el.classList.add("has-keyboard");
      el.appendChild(buttons);
    }
    if (fresh) {
      place(el, message.message_id);
      const sorted = [...rendered.entries(), [message.message_id, el]].sort((a, b) => a[0] - b[0]);
      rendered.clear();
      for (const [id, node] of sorted) rendered.set(id, node);
    }
    return fresh;
  }

  // A chat read at its newest message stays there when the window or keyboard resizes it.
  let atBottom = true;
  list.addEventListener("scroll", () => {
    atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
  });
  new ResizeObserver(() => {
    if (atBottom) list.scrollTop = list.scrollHeight;
  }).observe(list);

  function updateEmptyHint() {
    $("empty-hint").hidden = rendered.size > 0;
  }

  // -- talking to the sandbox ------------------------------------------------------------

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function poll() {
    for (;;) {
      const controller = new AbortController();
      poller = controller;
      const watched = chat;
      try {
        const url = `/sandbox/chats/${watched.id}/messages?since=${rev}&wait=25`;
        const response = await fetch(url, { signal: controller.signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const messages = await response.json();
        if (watched !== chat) continue;
        let added = false;
        for (const message of messages) {
          added = render(message) || added;
          rev = Math.max(rev, message.rev);
        }
        updateEmptyHint();
        if (added) list.scrollTop = list.scrollHeight;
        $("chat-status").textContent = chat.status;
      } catch (error) {
        if (controller.signal.aborted) continue;
        $("chat-status").textContent = "offline, retrying\u2026";
        await sleep(1000);
      }
    }
  }

  async function postJson(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      toast(answer.description || `HTTP ${response.status}`);
      return null;
    }
    return answer;
  }

  async function send(text) {
    const body = {
      chat_id: chat.id,
      text,
      user_id: USER.id,
      chat_type: chat.type,
      first_name: USER.first_name,
      language_code: LANG,
    };
    if (chat.title) body.chat_title = chat.title;
    await postJson("/sandbox/messages", body);
  }

  async function press(messageId, data) {
    const update = await postJson("/sandbox/press", {
      chat_id: chat.id,
      message_id: messageId,
      data,
      user_id: USER.id,
    });
    if (!update) return;
    const response = await fetch(`/sandbox/callbacks/${update.callback_query.id}?wait=10`);
    const reply = await response.json().catch(() => null);
    if (reply && reply.answered && reply.answer.text) toast(reply.answer.text, reply.answer.show_alert);
  }

  async function loadCommands() {
    const before = JSON.stringify(commands);
    try {
      const url = `/sandbox/commands?chat_id=${chat.id}&language_code=${encodeURIComponent(LANG)}`;
      const response = await fetch(url);
      if (response.ok) commands = await response.json();
    } catch (error) {
      commands = [];
    }
    // A list that arrives or changes after the user typed "/" shows at once, not at the next
    // keystroke (and a popup closed with Escape stays closed while nothing changes).
    const changed = JSON.stringify(commands) !== before;
    if (changed && document.activeElement === input && input.value.startsWith("/")) showCommands();
  }

  let toastTimer = 0;
  function toast(text, alert = false) {
    toastBox.textContent = text;
    toastBox.classList.toggle("alert", alert);
    toastBox.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toastBox.hidden = true; }, alert ? 6000 : 2500);
  }

  // -- the command popup and the composer --------------------------------------------------

  function showCommands() {
    const typed = /^\/(\w*)$/.exec(input.value);
    matches = typed ? commands.filter((c) => c.command.startsWith(typed[1].toLowerCase())) : [];
    popup.replaceChildren();
    popup.hidden = matches.length === 0;
    selected = Math.min(selected, Math.max(matches.length - 1, 0));
    matches.forEach((command, index) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(index === selected));
      const name = document.createElement("span");
      name.className = "cmd";
      name.textContent = `/${command.command}`;
      const description = document.createElement("span");
      description.className = "desc";
      description.textContent = command.description;
      item.append(name, description);
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(command);
      });
      popup.appendChild(item);
    });
  }

  function pick(command) {
    input.value = `/${command.command} `;
    popup.hidden = true;
    input.focus();
    resize();
  }

  function resize() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
  }

  function submit() {
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    popup.hidden = true;
    resize();
    send(text);
  }

  input.addEventListener("input", () => {
    resize();
    showCommands();
  });

  input.addEventListener("keydown", (event) => {
    const open = !popup.hidden && matches.length > 0;
    if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      selected = (selected + step + matches.length) % matches.length;
      showCommands();
    } else if (open && event.key === "Tab") {
      event.preventDefault();
      pick(matches[selected]);
    } else if (open && event.key === "Escape") {
      popup.hidden = true;
    } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (open) input.value = `/${matches[selected].command}`;
      submit();
    }
  });

  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
    input.focus();
  });

  $("chat-select").addEventListener("change", (event) => {
    chat = CHATS[event.target.value];
    $("chat-name").textContent = chat.name;
    $("chat-status").textContent = chat.status;
    for (const el of rendered.values()) el.remove();
    rendered.clear();
    rev = 0;
    updateEmptyHint();
    loadCommands();
    if (poller) poller.abort();
  });

  input.addEventListener("focus", loadCommands);
  setInterval(loadCommands, 5000);
  loadCommands();
  poll();
})();
