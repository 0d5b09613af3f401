"""Telegram's flood limits and delivery faults, for a sandbox that should behave like the real
thing under load. Off unless a test or benchmark turns them on for one ``SandboxState``:

    enforcer = enforce_limits(sandbox.state)        # 429 with retry_after past the limits
    migrate_group(sandbox.state, -5, -1005)         # sends to -5 answer ChatMigrated from now on
    delay_next(sandbox.state, 7, seconds=6)         # the next send to 7 answers late (a timeout)
    sandbox.fail_next(7, 403, "Forbidden: bot was blocked by the user")   # 403, 5xx, ...

Limits (``TelegramLimits``): about 30 messages a second overall (a token bucket: a burst of 30,
then 30/s), one message a second to a private chat, 20 a minute to a group or channel. A
rejected send is not delivered and is not counted. ``before_send`` is the only hook: sendMessage
calls it once the chat is known. Time is monotonic and injectable.
"""

from __future__ import annotations

import asyncio
import math
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.sandbox.state import ApiError, ChatRecord, JsonDict, SandboxState

MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"


@dataclass(frozen=True, slots=True)
class TelegramLimits:
    global_per_second: float = 30.0
    global_burst: int = 30
    private_interval: float = 1.0
    group_per_minute: int = 20
    tolerance: float = 0.02  # seconds of clock slack granted on the per-chat limits


class FloodError(ApiError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(429, f"Too Many Requests: retry after {retry_after}", retry_after)


class MigratedError(ApiError):
    """400 with ``parameters.migrate_to_chat_id``: python-telegram-bot raises ChatMigrated."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(400, MIGRATED)
        self.new_chat_id = new_chat_id

    def to_json(self) -> JsonDict:
        answer = super().to_json()
        answer["parameters"] = {"migrate_to_chat_id": self.new_chat_id}
        return answer


class LimitEnforcer:
    """Counts accepted sends and answers 429 beyond the limits."""

    def __init__(self, limits: TelegramLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.accepted = 0
        self.rejected = 0
        self.rejected_chats: list[int] = []
        self.accepted_at: list[tuple[float, int]] = []  # (monotonic time, chat) of each send
        self._tokens = float(limits.global_burst)
        self._filled_at = clock()
        self._private_last: dict[int, float] = {}
        self._group_recent: dict[int, deque[float]] = {}

    def check(self, chat: ChatRecord) -> None:
        """Raise FloodError when this send would break a limit; otherwise count it."""
        now = self.clock()
        limits = self.limits
        tokens = min(
            float(limits.global_burst),
            self._tokens + (now - self._filled_at) * limits.global_per_second,
        )
        self._tokens, self._filled_at = tokens, now
        if tokens < 1.0:
            self._reject(chat.id, (1.0 - tokens) / limits.global_per_second)
        if chat.type == "private" or chat.id > 0:
            last = self._private_last.get(chat.id)
            if last is not None and now - last < limits.private_interval - limits.tolerance:
                self._reject(chat.id, last + limits.private_interval - now)
            self._private_last[chat.id] = now
        else:
            recent = self._group_recent.setdefault(chat.id, deque())
            while recent and recent[0] <= now - 60.0 + limits.tolerance:
                recent.popleft()
            if len(recent) >= limits.group_per_minute:
                self._reject(chat.id, recent[0] + 60.0 - now)
            recent.append(now)
        self._tokens -= 1.0
        self.accepted += 1
        self.accepted_at.append((now, chat.id))

    def _reject(self, chat_id: int, wait: float) -> None:
        self.rejected += 1
        self.rejected_chats.append(chat_id)
        raise FloodError(max(1, math.ceil(wait)))


@dataclass
class _Hooks:
    enforcer: LimitEnforcer | None = None
    migrated: dict[int, int] = field(default_factory=dict)
    delays: dict[int, deque[float]] = field(default_factory=dict)


_HOOKS: weakref.WeakKeyDictionary[SandboxState, _Hooks] = weakref.WeakKeyDictionary()


def _hooks(state: SandboxState) -> _Hooks:
    hooks = _HOOKS.get(state)
    if hooks is None:
        hooks = _HOOKS[state] = _Hooks()
    return hooks


def enforce_limits(
    state: SandboxState,
    limits: TelegramLimits | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> LimitEnforcer:
    enforcer = LimitEnforcer(limits or TelegramLimits(), clock)
    _hooks(state).enforcer = enforcer
    return enforcer


def migrate_group(state: SandboxState, old_id: int, new_id: int) -> None:
    """The group became a supergroup: it exists under ``new_id``; sends to ``old_id`` fail."""
    old = state.chat(old_id)
    state.chats[new_id] = ChatRecord(new_id, "supergroup", old.title, None)
    if old_id in state.creators:
        state.creators[new_id] = state.creators[old_id]
    _hooks(state).migrated[old_id] = new_id


def delay_next(state: SandboxState, chat_id: int, seconds: float) -> None:
    """The next sendMessage to the chat is delivered but answered ``seconds`` late."""
    _hooks(state).delays.setdefault(chat_id, deque()).append(seconds)


async def before_send(state: SandboxState, chat_id: int) -> None:
    """sendMessage's hook: faults first, then the flood limits."""
    hooks = _HOOKS.get(state)
    if hooks is None:
        return
    if chat_id in hooks.migrated:
        raise MigratedError(hooks.migrated[chat_id])
    delays = hooks.delays.get(chat_id)
    if delays:
        await asyncio.sleep(delays.popleft())
    if hooks.enforcer is not None:
        hooks.enforcer.check(state.chat(chat_id))
