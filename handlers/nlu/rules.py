"""The rules a message's intent and category are read by, written from the training part of
handlers/nlu/data/messages.csv. Each cue is a pattern over the message's words (handlers.nlu.words: lower case,
no punctuation, references as 'ticketref' / 'actionref', percentages as 'pct') and the weight it adds to its
intent or category. The scores are summed; the highest wins."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.enums import Category


@dataclass(frozen=True, slots=True)
class Cue:
    label: str  # an intent name, or a Category value
    weight: float
    pattern: re.Pattern[str]


def _cues(label: str, *weighted: tuple[float, str]) -> tuple[Cue, ...]:
    return tuple(Cue(label, weight, re.compile(pattern)) for weight, pattern in weighted)


def _any(*words: str) -> str:
    return r"\b(?:" + "|".join(words) + r")\b"


def _both(first: str, second: str) -> str:
    """Both patterns somewhere in the text, in any order."""
    return rf"^(?=.*{first})(?=.*{second})"


#: The intents that are not commands: what people also do in a message.
REPORT_PROBLEM, SUPPORT, SECURITY_INCIDENT = "report_problem", "support", "security_incident"
ASK_MY_REQUESTS, PROGRESS_UPDATE = "ask_my_requests", "progress_update"
GREETING, THANKS, UNKNOWN = "greeting", "thanks", "unknown"
#: A message about a problem: these get a category and a priority.
PROBLEM_INTENTS = (REPORT_PROBLEM, SUPPORT, SECURITY_INCIDENT)
#: The score 'unknown' has: an intent needs more to be chosen.
UNKNOWN_SCORE = 1.5

_DEVICE = r"(?:laptop|phone|mobile|usb|memory stick|bag|device|tablet|badge|ipad)"
_SECURITY = (
    (8, _any("phish", "phished", "phishing", "virus", "viruses", "malware", "ransomware", "trojan", "spyware")),
    (8, _any("antivirus", "hacked", "compromised", "data breach", "gift cards?", "scam", "scammed")),
    (8, r"\bclicked (?:on )?(?:(?:a|an|the|it|this|that)\b ?)?(?:\w+ ){0,3}?(?:link|it|attachment)\b"),
    (8, r"\b(?:dodgy|suspicious|fake|strange|spoof|spoofed) (?:\w+ ){0,2}(?:email|link|page|attachment|text|site)"),
    (8, r"\bfiles are encrypted\b|\bencrypted\b.*\bpay\b"),
    (8, r"\b(?:sent|emailed|forwarded|gave|posted)\b.{0,80}\bwrong (?:person|resident|address|email|people|recipient)"),
    (8, r"\bsent\b.{0,60}\b(?:an external|external email)"),
    (8, rf"\b(?:lost|left|stolen|nicked|missing)\b (?:\w+ ){{0,3}}{_DEVICE}"),
    (8, rf"{_DEVICE}s? (?:\w+ ){{0,3}}(?:was|has been|got|been) (?:stolen|nicked|lost)"),
    (8, r"\b(?:entered|typed|put|gave) (?:\w+ ){0,2}(?:password|login details|bank details)\b"),
    (8, r"\basking (?:me )?for my password\b|\bopened (?:an |the |this )?(?:\w+ )?attachment\b"),
    (8, r"\b(?:someone|somebody) else\b.{0,40}\b(?:logged|account|using)\b|\bemails i didnt send\b"),
)
#: The words of a message that asks for a request to be raised ('log a call for me').
REQUEST_PHRASE = re.compile(
    r"(?<!my )(?<!any )\b(?:raise|log|open|create|submit|make)\b (?:(?:a|an|new|me a|me an)\b )?(?:ticket|request|call|job|case|incident)s?\b"
)
_PROBLEM_STATE = _any(
    "wont",
    "cant",
    "cannot",
    "not working",
    "isnt working",
    "doesnt work",
    "stopped working",
    "broken",
    "broke",
    "error",
    "errors",
    "keeps",
    "keep",
    "dropping",
    "drops",
    "slow",
    "frozen",
    "freezing",
    "crashes",
    "crashing",
    "crashed",
    "stuck",
    "dead",
    "jammed",
    "flickering",
    "flickers",
    "black",
    "cracked",
    "missing",
    "expired",
    "disabled",
    "bouncing",
    "full",
    "down",
    "laggy",
    "blank",
    "wrong",
    "forgotten",
    "locked out",
    "access denied",
    "cutting out",
    "arent",
    "isnt",
    "doesnt",
    r"no (?:signal|dial tone|internet|login|picture|sound|audio|service)",
    r"not (?:showing|receiving|loading|charging|coming)",
    "need access",
    "need permissions",
    "need (?:\\w+ ){0,3}installed",
    "set up",
    "advice",
    "sticky",
)

INTENT_CUES: tuple[Cue, ...] = (
    *_cues(SECURITY_INCIDENT, *_SECURITY),
    *_cues(
        REPORT_PROBLEM,
        (2.5, _PROBLEM_STATE),
        (1, r"\bagain\b|\bhelp\b|\bsince\b|\burgent\w*\b"),
        (3, r"\b(?:nobody|no one|noone)\b.{0,40}\bcan\b|\beveryone\b|\bwhole (?:office|team|floor)\b"),
        (3, r"\blook at my\b|\bnot urgent\b|\bno rush\b|\blow priority\b"),
    ),
    *_cues(
        SUPPORT,
        (7, REQUEST_PHRASE.pattern),
        (7, r"\breport (?:a|an)\b (?:problem|issue|fault)"),
        (6, r"\b(?:contact|get hold of|speak to)\b (?:the |)(?:service desk|it|ict|helpdesk)|\bhelp from (?:it|ict)\b"),
    ),
    *_cues(
        ASK_MY_REQUESTS,
        (
            5,
            _both(r"\bmy (?:\w+ ){0,2}(?:ticket|request|call|job|reset|problem)\b", _any("update", "news", "progress")),
        ),
        (5, r"\b(?:looked at|dealing with|when will|how long until|has) my\b"),
        (5, r"\bthing i logged\b|\bstill waiting to hear\b|\bchasing my\b|\bheard nothing\b"),
        (5, r"\braised a (?:request|ticket|call)\b"),
    ),
    *_cues(
        "tickets",
        (5, r"\b(?:show|list|see|what|which|any|all)\b.{0,30}\bmy (?:\w+ ){0,2}(?:tickets|requests|calls)\b"),
        (5, r"\bmy (?:open |support )?(?:tickets|requests|calls)\b"),
        (6, r"\beverything i(?:ve)? logged\b|\bwhat have i got open\b|\bhave i got any open\b|\bgot open\b"),
    ),
    *_cues("ticket", (4, r"\bticketref\b"), (4, r"^(?:is )?ticketref(?: \w+){0,3}$")),
    *_cues(
        "comment",
        (7, r"\b(?:add|put|leave)\b (?:a )?(?:note|comment)|\badd to\b|\blet them know on\b|\bnote on ticketref"),
        (7, r"\btell the desk on\b"),
    ),
    *_cues(
        "reopen",
        (8, r"\breopen\w*\b|\bopen ticketref back up\b"),
        (9, _both(r"\bticketref\b", _any("again", "come back", "came back", "didnt last", "still not working"))),
    ),
    *_cues(
        "withdraw",
        (9, r"\bwithdraw\w*\b|\bfalse alarm\b|\bsorted it myself\b|\b(?:dont|no longer) need ticketref\b"),
        (8, _both(r"\bticketref\b", _any("cancel", "ignore", "scrap"))),
    ),
    *_cues("link", (9, _both(r"\bticketref\b", r"(?:\blink\w*\b|\btie\b|\bbelongs with\b)"))),
    *_cues(
        "unlink",
        (12, _both(r"\bticketref\b", r"(?:\bunlink\w*\b|\buntie\b|\bremove the link\b|\bnothing to do with\b)")),
    ),
    *_cues(
        "where",
        (9, r"^where ticketref\b"),
        (
            8,
            _both(
                r"\bticketref\b",
                r"(?:\bi work for\b|\bmy council is\b|\bi(?:m| am|'m)? based (?:at|in)\b|"
                r"\bi(?:m| am|'m) (?:working )?(?:from home|at home|in the office|out in the borough|working at)\b)",
            ),
        ),
    ),
    *_cues(
        "rate",
        (9, _any("rate", "rating", "ratings", r"(?:1|2|3|4|5|one|two|three|four|five) stars?", "out of (?:5|five)")),
        (6, r"\bfeedback\b"),
    ),
    *_cues(
        "note",
        (9, r"\binternal\b|\bprivate note\b|\bdesk only\b"),
    ),
    *_cues(
        "assign",
        (7, r"\bassign\b|\ballocate\b|\bcan i take ticketref|\bpick up ticketref|\bgive ticketref to"),
        (7, r"\bput ticketref in \w+ name\b"),
    ),
    *_cues("priority", (7, _both(r"\bticketref\b", _any("p[1-4]", "priority", "bump", "downgrade")))),
    *_cues(
        "waiting",
        (7, r"\bwaiting (?:on|for) (?:the )?user|\bon hold waiting|\bask the requester|\bmore info from"),
        (7, r"\bto waiting\b|\basked them for\b"),
    ),
    *_cues(
        "resolve",
        (7, _both(r"\bticketref\b", _any("close", "resolve", "resolved", "reimaged", "replaced"))),
        (6, r"\bticketref (?:is )?(?:fixed|done)\b(?!.*\byet\b)"),
    ),
    *_cues(
        PROGRESS_UPDATE,
        (
            6,
            r"\bactionref\b.{0,80}"
            + _any(
                "pct",
                "red",
                "amber",
                "green",
                "done",
                "complete",
                "completed",
                "blocked",
                "on hold",
                "stalled",
                "finished",
                "went live",
                "slipped",
                "late",
                "behind",
                "delayed",
                "on track",
            ),
        ),
        (2, r"\bupdate (?:for|on) actionref\b"),
    ),
    *_cues(
        "update",
        (
            7,
            r"\bupdate my actions?\b|\b(?:post|give|put|do|record) (?:in )?(?:an |my |the )?(?:\w+ )?(?:update|updates)\b",
        ),
        (7, r"\bprogress update\b|\brecord progress\b|\bchange the rag\b|\bupdate form\b|\bcan i update\b"),
    ),
    *_cues(
        "history",
        (
            7,
            _both(
                r"\bactionref\b",
                _any(
                    "history", "changed", "who update[ds]?", "last updated", "past updates", "previous updates", "audit"
                ),
            ),
        ),
        (7, _both(r"\bactionref\b", r"\bover time\b|\bbeen said\b")),
    ),
    *_cues(
        "status",
        (4, r"\bstrategy\b"),
        (5, r"\bstatus\b|\bhow far along\b|\bwhat state\b|\bwhere are we with\b|\bon track\b"),
        (4, r"\bhow(?:s| is| are)?\b (?:\w+ ){0,5}?(?:going|doing|looking|progress)\b"),
        (3, _any("overview", "summary", "headline", "position", "overall")),
    ),
    *_cues(
        "actions",
        (3, r"\bactions\b|\bevery action\b"),
        (3, r"\b(?:which|what|list|show)\b.{0,30}\bactions?\b"),
        (2, _both(r"\bactions?\b", _any("overdue", "flagged", "late", "not started", "own"))),
    ),
    *_cues(
        "report",
        (
            8,
            r"\b(?:desk|helpdesk|performance|monthly)\b.{0,20}\b(?:report|figures|stats|performance)\b"
            r"|\bsla attainment\b|\bagainst our slas\b|\bhow did the (?:service )?desk do\b",
        ),
    ),
    *_cues(
        "queue",
        (
            6,
            _any(
                "queue",
                "unassigned",
                "p[1-4]s",
                "breach",
                "sla",
                "overnight",
                "open calls have we got",
                "triage list",
                "mine to work on",
                "waiting for the service desk",
            ),
        ),
    ),
    *_cues("owner", (8, r"\bowner of actionref\b|\bbelong to\b|\bhand actionref over\b|\bowner\b")),
    *_cues(
        "grant",
        (6, r"\b(?:give|make|add|grant)\b.{0,30}\b(?:agent|admin|lead)\b|\bjoined the service desk\b"),
    ),
    *_cues(
        "revoke",
        (8, r"\b(?:remove|take away|revoke|shouldnt be|no longer)\b.{0,40}\b(?:agent|admin|lead)\b"),
        (8, r"\bleft the service desk\b"),
    ),
    *_cues("set-email", (8, r"\bemail\b.{0,60}\bgov uk\b")),
    *_cues("import", (7, r"\bimport\b|\bupload\b.{0,20}\bplan\b|\bload\b.{0,30}\bplan\b|\bget it into the bot\b")),
    *_cues(
        "set-triage",
        (9, r"\btriage channel\b|\b(?:tickets|requests)\b.{0,40}\b(?:this channel|in here)\b|\bchannel for triage\b"),
    ),
    *_cues("set-announce", (9, r"\bannounce\w*\b|\bannouncement channel\b")),
    *_cues(
        "incident",
        (9, r"\bknown issues?\b|\bmajor incident\b|\boutages?\b|\bis (?:something|anything) down\b"),
    ),
    *_cues("join", (12, r"\bincref\b")),
    *_cues("set-strategy", (9, r"\bdigest\b|\bstrategy channel\b|\bchannel for strategy\b")),
    *_cues(
        "board",
        (3, r"\bboard\b"),
        (2, r"\bboard (?:meeting|meet|dates)\b|\bnext (?:\w+ ){0,3}board\b|\bboard meet|\bdeadline\b"),
    ),
    *_cues(
        "kb",
        (7, r"\b(?:guide|guides|article|articles|knowledge base|self help|instructions|how to guides?)\b"),
    ),
    *_cues(
        "help",
        (
            6,
            r"^help$|\bwhat can you do\b|\bhow do i use\b|\bwhat commands\b|\bwhat can i ask\b|\bthings can i ask\b"
            r"|\bwhat are you for\b|\bhow does this work\b|\bhelp me use\b",
        ),
    ),
    *_cues(
        "whoami",
        (
            7,
            r"\bwho am i\b|\bwhat roles\b|\bmy roles\b|\bam i (?:\w+ ){0,4}(?:agent|admin|lead)\b|\bknow about me\b"
            r"|\bemail do you have for me\b|\bwhich account\b",
        ),
    ),
    *_cues(
        GREETING,
        (
            8,
            r"^(?:(?:hi|hello|hiya|hey|morning|afternoon|evening|good (?:morning|afternoon|evening)|alright)"
            r"(?: there| all| ict| everyone| team| hope (?:you are|youre) well)*)$",
        ),
    ),
    *_cues(THANKS, (8, r"^(?:\w+ ){0,2}(?:thanks|thank you|cheers|ta|appreciated|thx)(?: \w+){0,4}$"), (4, r"^ta\b")),
)

#: Category cues over a problem's words (the 'raise a ticket' words taken out). Ties go to the earlier category.
CATEGORY_ORDER = (
    Category.SECURITY,
    Category.ACCESS,
    Category.NETWORK,
    Category.HARDWARE,
    Category.EMAIL,
    Category.TELEPHONY,
    Category.SOFTWARE,
)
CATEGORY_CUES: tuple[Cue, ...] = (
    *_cues(Category.SECURITY.value, *_SECURITY),
    *_cues(
        Category.ACCESS.value,
        (3, _any("password", "passwords", "locked out", "log in", "login", "logon", "sign in", "signin", "account")),
        (5, _any("mfa", "2fa", "authenticator")),
        (3, _any("access denied", "permissions", "access to", "codes", "disabled")),
    ),
    *_cues(
        Category.NETWORK.value,
        (3, _any("vpn", "wifi", "wi fi", "wireless", "internet", "network", "broadband", "connection", "citrix")),
        (2, _any("connect", "laggy")),
    ),
    *_cues(
        Category.HARDWARE.value,
        (4, _any("printer", "print", "printing", "keyboard", "monitor", "webcam", "projector", "headset", "toner")),
        (4, _any("scanner", "docking station", "dock", "mouse", "charger", "battery", "screen", "screens")),
        (3, _any("laptop", "pc", "desktop", "mic", "charge", "hardware", "equipment")),
    ),
    *_cues(
        Category.EMAIL.value,
        (4, _any("outlook", "mailbox", "inbox", "outbox", "calendar", "out of office", "invites", "bouncing")),
        (2, _any("email", "emails", "e mail")),
    ),
    *_cues(
        Category.TELEPHONY.value,
        (4, _any("teams calls?", "callers", "calls", "phone", "phones", "telephone", "voicemail", "softphone")),
        (3, _any("call", "mobile", "dial tone", "contact centre", "signal", "ring", "phone line", "cutting out")),
        (1, _any("cant hear", "line")),
    ),
    *_cues(
        Category.SOFTWARE.value,
        (3, _any("software", "install", "installed", "application", "app", "apps", "excel", "word", "visio")),
        (3, _any("adobe", "acrobat", "licence", "license", "power bi", "dashboard", "program", "civica")),
        (2, _any("uniform", "idox", "crashes", "crashing", "freezing", "update", "error", "system")),
    ),
)

#: Naming a thing that can go wrong (a laptop, the VPN, Outlook) makes a message likelier to be a problem.
INTENT_CUES += _cues(
    REPORT_PROBLEM,
    (1.5, "|".join(f"(?:{c.pattern.pattern})" for c in CATEGORY_CUES if c.label != Category.SECURITY.value)),
)
