"""A fake Telegram Bot API server for end-to-end tests (aiohttp on 127.0.0.1, a free port).

The real python-telegram-bot client talks HTTP to it exactly as to api.telegram.org. A
test plays the users: it pushes updates (private and group messages, mentions, replies,
documents, button presses), then reads what the bot sent. Like Telegram, the server
refuses HTML that Telegram would refuse (unbalanced or unknown tags, bare "&") and texts
over 4,096 characters, so layout bugs fail tests instead of failing in production.

Delivery is by long polling (``getUpdates``) or, after ``setWebhook``, by POSTing each
update to the webhook URL with the secret-token header. ``fail`` lets a test make some
calls answer 429 or 403.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

TOKEN = "123456:FAKE-token_for_tests"
BOT_ID = 900001
BOT_USERNAME = "hoidoan_test_bot"

# Parameters that are plain strings even when they look like JSON ("123", "true").
RAW_STRINGS = {"text", "caption", "parse_mode", "url", "secret_token", "callback_query_id", "file_id",
               "description", "question", "title", "emoji"}
TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
                 "pre", "blockquote", "tg-emoji"}


class HtmlCheck(HTMLParser):
    """Telegram's HTML rules, strictly: known tags only, properly nested, entities escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.error = self.error or f"Unsupported start tag \"{tag}\""
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f"Can't find end tag corresponding to start tag \"{tag}\""
        else:
            self.stack.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            self.error = self.error or f"Unsupported HTML entity &{name};"


def check_html(text: str) -> str | None:
    if re.search(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text):
        return "Can't parse entities: bare &"
    if re.search(r"<(?![a-zA-Z/])", text):
        return "Can't parse entities: bare <"
    parser = HtmlCheck()
    parser.feed(text)
    parser.close()
    if parser.error:
        return f"Can't parse entities: {parser.error}"
    if parser.stack:
        return f"Can't parse entities: unclosed <{parser.stack[-1]}>"
    return None


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def auto_entities(text: str) -> list[dict[str, Any]]:
    """bot_command at the start and @mentions, with offsets in UTF-16 units as Telegram counts."""
    entities = []
    match = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
    if match:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))})
    for m in re.finditer(r"(?<![\w/])@[A-Za-z0-9_]{3,}", text):
        entities.append({"type": "mention", "offset": utf16_len(text[:m.start()]), "length": utf16_len(m.group(0))})
    return entities


# What Telegram lists for an administrator (the bot itself, or a user in getChatMember).
ADMIN_RIGHTS: dict[str, Any] = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True, "can_delete_messages": True,
    "can_manage_video_chats": False, "can_restrict_members": False, "can_promote_members": False,
    "can_change_info": False, "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
    "can_delete_stories": False, "can_pin_messages": True,
}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


class FakeBotApi:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Hỏi Đoàn", "username": BOT_USERNAME,
                         "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}
        self.pending: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []  # every message sent or edited by the bot, in order
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_admins: dict[tuple[int, int], str] = {}  # (chat, user) -> "administrator" | "creator"
        self.webhook: dict[str, Any] | None = None
        self.webhook_targets: list[str] | None = None  # round-robin over several replicas
        self.webhook_deliveries: list[int] = []  # HTTP status of each webhook POST
        self.verify_tls = True  # off for a proxy with a local certificate authority (tests/test_compose.py)
        self.public_host = "127.0.0.1"
        self.fail: Callable[[str, dict[str, Any]], ApiError | None] | None = None
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._rr = itertools.count()
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None
        self._tasks: set[asyncio.Task] = set()
        self.port = 0

    # --- server lifecycle --------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.public_host}:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://{self.public_host}:{self.port}/file/bot"

    async def start(self, host: str = "127.0.0.1", public_host: str | None = None) -> FakeBotApi:
        """Listen on ``host``; bots reach it as ``public_host`` (containers: the host's name)."""
        self.public_host = public_host or host
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._client = ClientSession(timeout=ClientTimeout(total=30))
        return self

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._client:
            await self._client.close()
        if self._runner:
            await self._runner.cleanup()

    # --- HTTP side ---------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type == "application/json":
            raw.update(await request.json())
            return raw, files
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part.filename:
                    files[part.name] = (part.filename, await part.read())
                else:
                    raw[part.name] = await part.text()
        elif request.can_read_body:
            raw.update(dict(await request.post()))
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if isinstance(value, str) and key not in RAW_STRINGS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            params[key] = value
        return params, files

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params, files = await self._params(request)
        self.calls.append((method, params))
        try:
            if self.fail and (err := self.fail(method, params)):
                raise err
            handler = getattr(self, f"api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params, files)
        except ApiError as err:
            body: dict[str, Any] = {"ok": False, "error_code": err.code, "description": err.description}
            if err.parameters:
                body["parameters"] = err.parameters
            return web.json_response(body, status=err.code)
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id][1])

    # --- Bot API methods -------------------------------------------------------------------------
    async def api_getMe(self, p: dict, f: dict) -> dict:
        return self.bot_user

    async def api_getUpdates(self, p: dict, f: dict) -> list:
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(p.get("offset") or 0)
        limit = int(p.get("limit") or 100)
        timeout = float(p.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                self.pending = [u for u in self.pending if u["update_id"] >= offset]
                if self.pending or time.monotonic() >= deadline:
                    return self.pending[:limit]
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())

    async def api_setWebhook(self, p: dict, f: dict) -> bool:
        self.webhook = {"url": p["url"], "secret_token": p.get("secret_token"),
                        "allowed_updates": p.get("allowed_updates")}
        for update in self.pending:
            self._deliver(update)
        self.pending = []
        return True

    async def api_deleteWebhook(self, p: dict, f: dict) -> bool:
        self.webhook = None
        if p.get("drop_pending_updates"):
            self.pending = []
        return True

    async def api_getWebhookInfo(self, p: dict, f: dict) -> dict:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self.pending)}

    async def api_setMyCommands(self, p: dict, f: dict) -> bool:
        self.commands[json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True)] = p["commands"]
        return True

    async def api_deleteMyCommands(self, p: dict, f: dict) -> bool:
        self.commands.pop(json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True), None)
        return True

    async def api_sendChatAction(self, p: dict, f: dict) -> bool:
        self._chat(p["chat_id"])
        return True

    async def api_leaveChat(self, p: dict, f: dict) -> bool:
        entry = {"method": "leaveChat", "chat_id": int(p["chat_id"]), "message_id": 0, "at": time.monotonic(),
                 "wall": time.time(), "text": "", "params": p, "reply_markup": None, "data": None, "reply_to": None}
        async with self._changed:
            self.sent.append(entry)
            self._changed.notify_all()
        return True

    async def api_answerCallbackQuery(self, p: dict, f: dict) -> bool:
        self.callback_answers.append(p)
        return True

    async def api_sendMessage(self, p: dict, f: dict) -> dict:
        text = str(p.get("text", ""))
        self._check_text(text, p.get("parse_mode"), 4096)
        return await self._record("sendMessage", p, {"text": text})

    async def api_sendPhoto(self, p: dict, f: dict) -> dict:
        self._check_text(str(p.get("caption", "")), p.get("parse_mode"), 1024)
        name, data = self._upload(p, f, "photo")
        file_id = self._store_file(name, data)
        photo = [{"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 320,
                  "file_size": len(data)}]
        return await self._record("sendPhoto", p, {"photo": photo, "caption": p.get("caption")}, data=data)

    async def api_sendDocument(self, p: dict, f: dict) -> dict:
        self._check_text(str(p.get("caption", "")), p.get("parse_mode"), 1024)
        name, data = self._upload(p, f, "document")
        file_id = self._store_file(name, data)
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "file_size": len(data)}
        return await self._record("sendDocument", p, {"document": document, "caption": p.get("caption")},
                                  data=data)

    async def api_editMessageText(self, p: dict, f: dict) -> dict:
        text = str(p.get("text", ""))
        self._check_text(text, p.get("parse_mode"), 4096)
        message = self._message(p)
        message["text"] = text
        message["reply_markup"] = p.get("reply_markup")
        return await self._record("editMessageText", p, message, new=False)

    async def api_editMessageReplyMarkup(self, p: dict, f: dict) -> dict:
        message = self._message(p)
        message["reply_markup"] = p.get("reply_markup")
        return await self._record("editMessageReplyMarkup", p, message, new=False)

    async def api_deleteMessage(self, p: dict, f: dict) -> bool:
        self.messages.pop((int(p["chat_id"]), int(p["message_id"])), None)
        return True

    async def api_pinChatMessage(self, p: dict, f: dict) -> bool:
        self._message(p)["pinned"] = True
        return True

    async def api_getFile(self, p: dict, f: dict) -> dict:
        file_id = p["file_id"]
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        _name, data = self.files[file_id]
        if len(data) > 20 * 1024 * 1024:
            raise ApiError(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(data),
                "file_path": f"documents/{file_id}"}

    async def api_getChatMember(self, p: dict, f: dict) -> dict:
        chat_id, user_id = int(p["chat_id"]), int(p["user_id"])
        self._chat(chat_id)
        status = self.chat_admins.get((chat_id, user_id), "member")
        member: dict[str, Any] = {"status": status, "user": self.user(user_id)}
        if status == "creator":
            member["is_anonymous"] = False
        if status == "administrator":
            member.update(ADMIN_RIGHTS)
        return member

    async def api_getChat(self, p: dict, f: dict) -> dict:
        return self._chat(p["chat_id"])

    async def api_close(self, p: dict, f: dict) -> bool:
        return True

    async def api_logOut(self, p: dict, f: dict) -> bool:
        return True

    # --- helpers for the methods -------------------------------------------------------------
    def _check_text(self, text: str, parse_mode: str | None, limit: int) -> None:
        if parse_mode == "HTML":
            problem = check_html(text)
            if problem:
                raise ApiError(400, f"Bad Request: {problem}")
            visible = re.sub(r"<[^>]+>", "", text)
            visible = re.sub(r"&#?\w+;", "x", visible)
        else:
            visible = text
        if utf16_len(visible) > limit:
            raise ApiError(400, "Bad Request: message is too long")

    def _upload(self, p: dict, f: dict, field: str) -> tuple[str, bytes]:
        value = p.get(field)
        if field in f:
            return f[field]
        if isinstance(value, str) and value.startswith("attach://") and value[9:] in f:
            return f[value[9:]]
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        raise ApiError(400, f"Bad Request: there is no {field} in the request")

    def _store_file(self, name: str, data: bytes) -> str:
        file_id = f"F{next(self._file_ids):06d}"
        self.files[file_id] = (name, data)
        return file_id

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        chat_id = int(chat_id)
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self.chats[chat_id]

    def _message(self, p: dict) -> dict[str, Any]:
        key = (int(p["chat_id"]), int(p["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]

    async def _record(self, method: str, p: dict, fields: dict[str, Any], new: bool = True,
                      data: bytes | None = None) -> dict[str, Any]:
        if new:
            chat = self._chat(p["chat_id"])
            message = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat,
                       "from": self.bot_user, **{k: v for k, v in fields.items() if v is not None}}
            if p.get("reply_markup"):
                message["reply_markup"] = p["reply_markup"]
            reply = (p.get("reply_parameters") or {}).get("message_id") or p.get("reply_to_message_id")
            if reply and (chat["id"], int(reply)) in self.messages:
                message["reply_to_message"] = self.messages[(chat["id"], int(reply))]
            self.messages[(chat["id"], message["message_id"])] = message
        else:
            message = fields
        entry = {"method": method, "chat_id": message["chat"]["id"], "message_id": message["message_id"],
                 "at": time.monotonic(), "wall": time.time(),
                 "text": message.get("text") or message.get("caption") or "", "params": p,
                 "reply_markup": message.get("reply_markup"), "data": data,
                 "reply_to": (message.get("reply_to_message") or {}).get("message_id")}
        async with self._changed:
            self.sent.append(entry)
            self._changed.notify_all()
        return {k: v for k, v in message.items() if k != "reply_to_message"} | (
            {"reply_to_message": {k: v for k, v in message["reply_to_message"].items() if k != "reply_to_message"}}
            if "reply_to_message" in message else {})

    # --- the test's side: users act ----------------------------------------------------------
    @staticmethod
    def user(user_id: int, first_name: str = "Đoàn viên", username: str | None = None) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "vi"}
        if username:
            user["username"] = username
        return user

    def private_chat(self, user: dict[str, Any]) -> dict[str, Any]:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        self.chats[chat["id"]] = chat
        return chat

    def group(self, chat_id: int, title: str, supergroup: bool = True) -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup" if supergroup else "group", "title": title}
        self.chats[chat_id] = chat
        return chat

    async def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        if self.webhook:
            self._deliver(update)
            return update
        async with self._changed:
            self.pending.append(update)
            self._changed.notify_all()
        return update

    async def send_text(self, chat: dict, user: dict, text: str, reply_to: dict | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat,
                                   "from": user, "text": text}
        entities = auto_entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        self.messages[(chat["id"], message["message_id"])] = message
        await self.push({"message": message})
        return message

    async def send_document(self, chat: dict, user: dict, filename: str, data: bytes,
                            declared_size: int | None = None, caption: str | None = None) -> dict[str, Any]:
        file_id = self._store_file(filename, data)
        message: dict[str, Any] = {
            "message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": user,
            "document": {"file_id": file_id, "file_unique_id": file_id, "file_name": filename,
                         "file_size": declared_size if declared_size is not None else len(data)},
        }
        if caption:
            message["caption"] = caption
        self.messages[(chat["id"], message["message_id"])] = message
        await self.push({"message": message})
        return message

    async def send_photo(self, chat: dict, user: dict, data: bytes, caption: str | None = None) -> dict[str, Any]:
        file_id = self._store_file("photo.jpg", data)
        message: dict[str, Any] = {
            "message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": user,
            "photo": [{"file_id": file_id, "file_unique_id": file_id, "width": 640, "height": 480,
                       "file_size": len(data)}],
        }
        if caption:
            message["caption"] = caption
        self.messages[(chat["id"], message["message_id"])] = message
        await self.push({"message": message})
        return message

    async def press(self, message: dict[str, Any], user: dict, data: str) -> str:
        query_id = f"Q{next(self._ids)}"
        stored = self.messages[(message["chat"]["id"], message["message_id"])]
        await self.push({"callback_query": {"id": query_id, "from": user, "chat_instance": "ci",
                                            "message": {k: v for k, v in stored.items() if k != "reply_to_message"},
                                            "data": data}})
        return query_id

    async def chat_member_update(self, chat: dict, user: dict, old: str, new: str) -> None:
        """The bot's own membership changed: "member", "administrator", "left", "kicked"."""
        def member(status: str) -> dict[str, Any]:
            data: dict[str, Any] = {"status": status, "user": self.bot_user}
            if status == "administrator":
                data.update(ADMIN_RIGHTS)
            if status == "kicked":
                data["until_date"] = 0
            return data

        await self.push({"my_chat_member": {"chat": chat, "from": user, "date": int(time.time()),
                                            "old_chat_member": member(old), "new_chat_member": member(new)}})

    # --- the test's side: read what the bot did ---------------------------------------------------
    async def wait_sent(self, predicate: Callable[[dict[str, Any]], bool], after: int = 0,
                        timeout: float = 30.0) -> dict[str, Any]:
        """The first entry of ``sent`` from position ``after`` that matches, waiting for it."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                for entry in self.sent[after:]:
                    if predicate(entry):
                        return entry
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(e["method"], e["chat_id"], e["text"][:80]) for e in self.sent[after:]]
                    raise AssertionError(f"the bot did not send the expected message; it sent: {seen}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)

    async def reply_to(self, chat: dict, after: int, method: str = "sendMessage",
                       timeout: float = 30.0) -> dict[str, Any]:
        return await self.wait_sent(lambda e: e["chat_id"] == chat["id"] and e["method"] == method, after, timeout)

    def max_group_sends_per_second(self, after: int = 0) -> int:
        """The most messages the bot sent to groups in any one-second window (Telegram's limit)."""
        times = sorted(e["at"] for e in self.sent[after:] if e["chat_id"] < 0)
        best = start = 0
        for end, t in enumerate(times):
            while t - times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

    def message_of(self, entry: dict[str, Any]) -> dict[str, Any]:
        return self.messages[(entry["chat_id"], entry["message_id"])]

    @staticmethod
    def buttons(entry_or_message: dict[str, Any]) -> dict[str, str]:
        """Button text -> callback data of a sent message's inline keyboard."""
        markup = entry_or_message.get("reply_markup") or {}
        return {b["text"]: b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row}

    # --- webhook delivery --------------------------------------------------------------------------
    def _deliver(self, update: dict[str, Any]) -> None:
        task = asyncio.get_running_loop().create_task(self._post_update(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post_update(self, update: dict[str, Any]) -> None:
        assert self.webhook is not None and self._client is not None
        targets = self.webhook_targets or [self.webhook["url"]]
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        for attempt in range(20):  # Telegram retries failed deliveries
            url = targets[next(self._rr) % len(targets)]
            try:
                async with self._client.post(url, json=update, headers=headers,
                                             ssl=None if self.verify_tls else False) as response:
                    self.webhook_deliveries.append(response.status)
                    if response.status < 300:
                        return
            except OSError:
                self.webhook_deliveries.append(0)
            await asyncio.sleep(min(0.1 * 2 ** attempt, 2.0))
