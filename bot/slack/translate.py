"""Incoming Slack payloads in neutral terms: who (Sender), where (Origin), which command, which values."""

from __future__ import annotations

import json
import re

from bot.slack.render import ACTION_PREFIX
from bot.submissions import submission_key
from handlers import Origin, Sender

PLATFORM = "slack"
_ACTION = re.compile(rf"^{ACTION_PREFIX}:(?P<command>[a-z_]+):\d+$")
#: bolt matcher for every button we render (`ict:<command>:<n>`).
ACTION_IDS = re.compile(rf"^{ACTION_PREFIX}:[a-z_]+:\d+$")


_SLACK_MARKUP = re.compile(r"<([^<>]*)>")


def _plain_markup(match: re.Match) -> str:
    inside = match.group(1)
    target, _, label = inside.partition("|")
    if target.startswith("@"):  # a user mention: keep who it is, in our own key form
        return f"@{user_key(target[1:])}"
    if target.startswith("#"):  # a channel link
        return f"#{label or target[1:]}"
    if target.startswith("!"):  # <!here>, <!channel>, <!subteam^S1|@desk>, <!date^...|fallback>
        return label or f"@{target[1:].split('^')[0]}"
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    return f"{label} ({target})" if label and label != target else target


def typed_text(text: str | None) -> str:
    """What the person typed, from Slack's wire format: Slack wraps links, mentions and channels in <...>
    and sends &, < and > as &amp;, &lt; and &gt;. Our renderers escape again on the way out."""
    text = _SLACK_MARKUP.sub(_plain_markup, text or "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def user_key(user_id: str) -> str:
    return f"{PLATFORM}:{user_id}"


def sender(user_id: str, display_name: str | None, email: str | None = None) -> Sender:
    return Sender(key=user_key(user_id), display_name=display_name or user_id, email=email)


def command_origin(command: dict) -> Origin:
    channel = command.get("channel_id")
    return Origin(
        platform=PLATFORM,
        conversation=channel,
        reference={"team": command.get("team_id"), "channel": channel, "user": command.get("user_id")},
    )


def event_origin(event: dict, team_id: str | None) -> Origin:
    channel = event.get("channel")
    return Origin(
        platform=PLATFORM,
        conversation=channel,
        thread=event.get("thread_ts"),
        reference={"team": team_id, "channel": channel, "user": event.get("user")},
        personal=event.get("channel_type") == "im",
    )


def action_channel(body: dict) -> str | None:
    """The conversation a button was pressed in (None in App Home or a modal)."""
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


def action_origin(body: dict, modal_channel: str | None = None) -> Origin:
    """Where a press or a choice was made: its conversation, or for one inside a modal, the conversation the
    modal was opened from (kept in its private_metadata)."""
    channel = action_channel(body) or modal_channel
    return Origin(
        platform=PLATFORM,
        conversation=channel,
        reference={"team": (body.get("team") or {}).get("id"), "channel": channel, "user": body["user"]["id"]},
    )


def action_value(action: dict) -> str:
    """A button's value, or the option chosen in a select."""
    return action.get("value") or ((action.get("selected_option") or {}).get("value")) or ""


def press_submission(body: dict, action: dict) -> str | None:
    """This press of this button by this person: the message (or view) holding the button, its action id and
    value, and who pressed it. None where Slack gives no message ts or view id."""
    container = body.get("container") or {}
    holder = container.get("message_ts") or container.get("view_id") or (body.get("view") or {}).get("id")
    team = (body.get("team") or {}).get("id")
    user = (body.get("user") or {}).get("id")
    return submission_key(
        PLATFORM, "press", team, user, holder, action.get("action_id"), detail=action_value(action) or None
    )


def view_submission(body: dict, view: dict) -> str | None:
    """A modal's submission: Slack's view id (unique to the opened modal) and who submitted it."""
    return submission_key(PLATFORM, "view", (body.get("team") or {}).get("id"), body["user"]["id"], view.get("id"))


def command_of(action_id: str) -> str | None:
    """`ict:assign:3` -> `assign`; None for an action id we did not render."""
    m = _ACTION.match(action_id or "")
    return m["command"] if m else None


#: Message subtypes that are still a person talking to us (a screenshot with text, a thread reply shown in
#: the channel); edits, joins, deletions and the rest are not.
PEOPLE_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})


def is_from_bot(event: dict) -> bool:
    """Messages from bots (including ours), edits, joins and other housekeeping are not someone talking to us."""
    if event.get("bot_id") or event.get("bot_profile") or not event.get("user"):
        return True
    return event.get("subtype") not in PEOPLE_SUBTYPES


# ------------------------------------------------------------ modals


def encode_view_metadata(form_metadata: str, channel: str | None) -> str:
    """private_metadata of a modal: the form's own metadata and the conversation it was opened from."""
    return json.dumps({"m": form_metadata, "c": channel}, separators=(",", ":"))


def decode_view_metadata(private_metadata: str | None) -> tuple[str, str | None]:
    try:
        data = json.loads(private_metadata or "")
    except ValueError:
        return "", None
    if not isinstance(data, dict):
        return "", None
    metadata, channel = data.get("m"), data.get("c")
    return (metadata if isinstance(metadata, str) else ""), (channel if isinstance(channel, str) else None)


def form_values(state_values: dict) -> dict[str, str]:
    """view.state.values -> {input name: text}. Block id and action id are both the input's name."""
    values: dict[str, str] = {}
    for block_id, actions in (state_values or {}).items():
        for element in actions.values():
            selected = element.get("selected_option")
            if selected is not None:
                values[block_id] = selected.get("value") or ""
            else:
                values[block_id] = element.get("value") or ""
    return values


def view_origin(body: dict, channel: str | None) -> Origin:
    return Origin(
        platform=PLATFORM,
        conversation=channel,
        reference={"team": (body.get("team") or {}).get("id"), "channel": channel, "user": body["user"]["id"]},
    )
