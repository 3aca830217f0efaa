"""Importing the plan from chat. An admin sends the CSV or YAML file to the bot in a personal chat (with the
words overwrite, retire missing or a plan year beside it if they want them), sees what the import would do,
and presses Confirm import or Cancel. The file is checked again when they confirm: the plan may have changed.

The channel has downloaded the file before the assistant sees the message (see `wanted`). A message whose text
says something else is handled as that text, whatever it carries: a screenshot sent with "my VPN keeps
dropping" is a problem to help with, not a failed import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.context import Context, UsageError
from handlers.formatting import clip
from handlers.messages import Attachment, FileProblem
from handlers.plan_import import CHAT_HINTS, import_note, import_summary_text
from handlers.plan_problems import plan_error_text
from handlers.problems import IMPORT_REFUSAL
from handlers.registry import Command, Who
from handlers.reply import Button, Reply, Tone
from storage.plan_io import SUFFIXES, PlanError, is_plan_file_name, read_plan_bytes
from storage.uploads import MAX_BYTES, UPLOAD_TTL, UploadOptions

IMPORT = "import"
#: How many problems of a file a reply lists before it says how many more there are.
PROBLEMS_SHOWN = 25
#: Words typed with a file that are not options but may come with them ("import 2020/21, overwrite").
_FILLER = frozenset({"import", "and", "please", "with"})
_PLAN_YEAR = re.compile(r"^\d{4}/\d{2}$")
_SPLIT = re.compile(r"[\s,;]+")
_SUFFIX_WORDS = ", ".join(SUFFIXES[:-1]) + f" or {SUFFIXES[-1]}"
OPTIONS_USAGE = (
    "With a plan file, write nothing, or any of: overwrite (use the file's values even where they were changed "
    "in chat), retire missing (retire the actions the file does not have), a plan year like 2020/21 (for actions "
    "that give none)."
)
HOW_TO = (
    f"To import the action plan, send me the plan's file ({_SUFFIX_WORDS}) here in our chat. I'll show you what "
    "the import would do, and import it when you press Confirm import. " + OPTIONS_USAGE
)
IN_A_DIRECT_MESSAGE = "To import the plan, send me the file in a direct message (our one-to-one chat), not here."


def wanted(name: str) -> bool:
    """Should a channel download this file for the assistant? Plan files only, and only in a personal chat
    (a channel asks that itself); at most MAX_BYTES of it."""
    return is_plan_file_name(name)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(n / 1024))} KB"


def _options(text: str) -> tuple[UploadOptions, list[str]]:
    """The import options in the words typed with a file, and the words that are none."""
    words = [w for w in _SPLIT.split(text.lower()) if w]
    overwrite = retire = False
    plan_year = None
    unknown: list[str] = []
    for i, word in enumerate(words):
        if word == "overwrite":
            overwrite = True
        elif word in ("retire-missing", "retire_missing", "retire"):
            retire = True
        elif word == "missing" and i and words[i - 1] == "retire":
            continue
        elif _PLAN_YEAR.match(word):
            plan_year = word
        elif word not in _FILLER:
            unknown.append(word)
    return UploadOptions(overwrite=overwrite, retire_missing=retire, plan_year=plan_year), unknown


async def receive(ctx: Context, files: Sequence[Attachment], text: str) -> Reply | None:
    """The answer to a message that came with files; None when the message is to be handled as its text."""
    options, unknown = _options(text)
    plans = [f for f in files if is_plan_file_name(f.name)]
    admin, personal = ctx.user.is_admin, ctx.origin.personal
    if unknown and not (admin and personal and plans):
        return None  # the text says something else: it is what they meant
    if not plans:
        if admin and personal:
            names = ", ".join(clip(f.name, 60) for f in files)
            return Reply(
                tone=Tone.WARNING, text=f"I can import a plan from a {_SUFFIX_WORDS} file; {names} is not one."
            )
        return None
    if not personal:
        return Reply(tone=Tone.INFO, text=IN_A_DIRECT_MESSAGE) if admin else None
    if not admin:
        return Reply(tone=Tone.WARNING, text=IMPORT_REFUSAL)
    if unknown:
        raise UsageError(f"I don't know what '{clip(' '.join(unknown), 40)}' means here. {OPTIONS_USAGE}", IMPORT)
    if len(plans) > 1:
        names = " and ".join(clip(f.name, 60) for f in plans)
        return Reply(tone=Tone.WARNING, text=f"Please send one plan file at a time: I got {names}.")
    return await _check(ctx, plans[0], options)


def _unreadable(file: Attachment) -> Reply | None:
    """What stops a file being read at all (too big, not downloaded), in words; None when it can be read."""
    name = clip(file.name, 80)
    size = file.size if file.size is not None else len(file.data or b"")
    if file.problem is FileProblem.TOO_BIG or size > MAX_BYTES:
        shown = f" is {_size(size)}," if size > MAX_BYTES else " is"
        return Reply(
            tone=Tone.WARNING,
            text=f"{name}{shown} more than the {_size(MAX_BYTES)} I can read. "
            "A plan of a few hundred actions is far smaller: please check it is the right file.",
        )
    if file.data is None:
        return Reply(tone=Tone.WARNING, text=f"I couldn't download {name}. Please send it to me again.")
    return None


def _problems(file_name: str, error: PlanError) -> Reply:
    shown = PlanError(error.errors[:PROBLEMS_SHOWN])
    more = len(error.errors) - PROBLEMS_SHOWN
    return Reply(
        tone=Tone.WARNING,
        title=f"{clip(file_name, 80)}: nothing imported",
        text=f"{len(error.errors)} problem(s):\n{plan_error_text(shown)}"
        + (f"\n... and {more} more." if more > 0 else "")
        + "\nPlease correct the file and send it to me again.",
    )


async def _check(ctx: Context, file: Attachment, options: UploadOptions) -> Reply:
    """A dry run of the import; the file kept, pending the admin's Confirm, when it has no problem."""
    unreadable = _unreadable(file)
    if unreadable is not None:
        return unreadable
    assert file.data is not None
    try:
        read = read_plan_bytes(file.data, file.name, plan_year=options.plan_year)
    except PlanError as e:
        return _problems(file.name, e)
    result = await ctx.store.import_plan(
        read.themes,
        now=ctx.now,
        author_key=ctx.user.key,
        note=import_note(file.name),
        overwrite=options.overwrite,
        retire_missing=options.retire_missing,
        board_meetings=read.board_meetings,
        require_admin=True,
        dry_run=True,
    )
    upload = await ctx.store.create_plan_upload(ctx.user.key, file.name, file.data, options=options, now=ctx.now)
    hours = int(UPLOAD_TTL.total_seconds() // 3600)
    summary = import_summary_text(result, read.notes, file_name=upload.file_name, hints=CHAT_HINTS)
    return Reply(
        title=f"Import {clip(upload.file_name, 80)}?",
        text=f"{summary}\n\nPress Confirm import to import it, or Cancel. (Within {hours} hours; after that, "
        "send the file again.)",
        buttons=(
            Button("Confirm import", IMPORT, f"confirm {upload.id}", style="primary"),
            Button("Cancel", IMPORT, f"cancel {upload.id}"),
        ),
    )


async def import_(ctx: Context, rest: str) -> Reply:
    """`import confirm N` and `import cancel N` (what the buttons send); `import` alone says how."""
    words = rest.split()
    if not words:
        return Reply(title="Importing the action plan", text=HOW_TO)
    verb = words[0].lower()
    if verb not in ("confirm", "cancel") or len(words) != 2 or not words[1].isdigit():
        raise UsageError(HOW_TO, IMPORT)
    upload_id = int(words[1])
    if verb == "cancel":
        gone = await ctx.store.cancel_plan_upload(upload_id, ctx.user.key, now=ctx.now)
        return Reply(text=f"Cancelled: {gone.file_name} was not imported, and nothing has been changed.")
    try:
        done = await ctx.store.confirm_plan_upload(upload_id, ctx.user.key, note=import_note, now=ctx.now)
    except PlanError as e:  # the file no longer reads as a plan (the rules changed since it was sent)
        return _problems(f"plan file {upload_id}", e)
    return Reply(
        tone=Tone.SUCCESS,
        title=f"Imported {clip(done.upload.file_name, 80)}",
        text=import_summary_text(done.result, done.notes, file_name=done.upload.file_name, hints=CHAT_HINTS),
    )


COMMANDS = (
    Command(
        IMPORT,
        import_,
        "import [confirm|cancel N]",
        "import",
        "Import the action plan: send me its CSV or YAML file",
        who=Who.ADMINS,
        refusal=IMPORT_REFUSAL,
    ),
)
