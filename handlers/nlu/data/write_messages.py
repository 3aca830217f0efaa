"""Writes messages.csv: the labelled messages the understanding step is written from and measured on.

Templates written for this project, filled from lists of the people, places, references and problems of
the three councils, then roughened the way chat is typed (lower case, no punctuation, slips of the
keyboard). A fixed seed makes the file the same on every run; each intent's rows are split 75/25 into
`train` and `eval`. Run it from the checkout after changing a template:

    .venv/bin/python -m handlers.nlu.data.write_messages
"""

from __future__ import annotations

import csv
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

SEED = 20191125
CSV_PATH = Path(__file__).with_name("messages.csv")
COLUMNS = ("text", "intent", "category", "priority", "split")
EVAL_SHARE = 4  # every 4th row of an intent goes to `eval`

NAMES = ("Priya", "Dave", "Sue", "Gareth", "Karen", "Tom", "Jas", "Becky", "Mo", "Lorraine", "Steve", "Aisha")
PLACES = (
    "Maidstone House",
    "Swale House",
    "the Town Hall",
    "Sittingbourne",
    "Sheerness",
    "Royal Tunbridge Wells",
    "Faversham",
    "the depot",
    "the Gateway",
    "the council chamber",
    "home",
)
COUNCILS = ("MBC", "SBC", "TWBC", "Swale", "Maidstone", "Tunbridge Wells", "Swale BC", "Maidstone Borough Council")
ACTIONS = ("RS-05", "rs05", "rs 5", "WF-02", "wf2", "DS-01", "ds 3", "IM-04", "im-1", "CS-02", "IN-03", "RS-03")
TICKETS = ("ICT-12", "ict-12", "ict 40", "ICT7", "ict33", "ticket 12", "request 9", "call 18", "ICT-1044", "#27")
PERCENTS = ("40%", "60 %", "75 per cent", "20%", "90 percent", "55%", "100%", "35%")
DATES = ("by Friday", "end of March", "30/06", "next week", "31/03/2021", "end of the month", "15 May", "tomorrow")
THEMES = ("cyber", "digital", "workforce", "customer", "information management", "innovation", "RS", "WF")

#: Problems people describe, by category (storage.enums.Category values).
PROBLEMS: dict[str, tuple[str, ...]] = {
    "access": (
        "locked out of my account again",
        "my password has expired and it wont let me change it",
        "cant log in to Uniform since this morning",
        "I need access to the planning shared drive",
        "the authenticator app keeps asking me to approve on my old phone",
        "MFA codes arent coming through",
        "my account says it is disabled",
        "Ive forgotten my password",
        "cant sign in to Idox, says access denied",
        "need permissions to the Revs and Bens folder",
        "new starter on Monday has no login yet",
        "keeps saying my password is wrong but it isnt",
    ),
    "network": (
        "the VPN keeps dropping every few minutes",
        "wifi is really slow today",
        "no internet on the third floor",
        "cant connect to the network from home",
        "always on vpn wont connect",
        "the guest wifi in the council chamber isnt working",
        "the network drive keeps disconnecting",
        "broadband at the depot is down",
        "cant get on the wireless in the meeting rooms",
        "connection to the citrix desktop is very laggy",
    ),
    "hardware": (
        "the printer on floor 2 is jammed",
        "my laptop wont turn on",
        "my screen keeps flickering",
        "the docking station isnt charging my laptop",
        "keyboard has keys missing",
        "my monitor has gone black",
        "headset mic not working",
        "laptop dead",
        "the scanner wont scan to email",
        "laptop battery wont hold a charge",
        "mouse has stopped working",
        "the printer says toner low and prints blank pages",
        "my laptop screen is cracked",
        "the webcam on my laptop shows a black picture",
        "the screens in reception show the wrong information",
    ),
    "software": (
        "Excel crashes every time I open the budget spreadsheet",
        "I need Adobe Acrobat Pro installed",
        "Uniform throws an error when I save a case",
        "Word keeps freezing",
        "the latest update has broken my apps",
        "my Visio licence has expired",
        "software centre wont install anything",
        "the Civica app wont load",
        "Power BI wont open the dashboard",
        "the planning application system keeps crashing",
    ),
    "email": (
        "Outlook wont open",
        "emails are stuck in my outbox",
        "I cant see the shared mailbox any more",
        "calendar invites are not showing up",
        "my mailbox is full",
        "not receiving any external emails",
        "my out of office wont switch off",
        "emails to residents are bouncing back",
        "outlook search doesnt find anything",
    ),
    "telephony": (
        "Teams calls keep cutting out",
        "my desk phone has no dial tone",
        "voicemail isnt working",
        "the softphone wont ring",
        "my work mobile has no signal",
        "calls into the contact centre keep dropping",
        "cant hear callers on Teams",
        "phone line at reception is dead",
        "callers say they cant hear me on my headset when im on a call",
    ),
    "other": (
        "can someone set up a SharePoint site for our project",
        "I need a new starter set up with everything for the 1st",
        "the digital signage in the foyer is blank",
        "I need some advice about which kit to order for a new team",
    ),
}
WIDESPREAD = (
    "nobody in {place} can print",
    "the whole office at {place} has no internet",
    "everyone on our floor is locked out",
    "the phones are down across {place}",
    "no one at {place} can get into outlook",
    "the whole team cant connect to the vpn",
)
URGENT = (
    "urgent, meeting with the chief exec in 10 mins, laptop dead",
    "URGENT my laptop wont turn on and I'm presenting at full council in 20 minutes",
    "please can someone help asap, outlook wont open and I have a committee report due at 12",
    "emergency - the projector in the council chamber isnt working and the meeting starts at 7",
    "need help urgently, locked out of my account and the planning committee is at 2",
)
NO_RUSH = (
    "no rush but my second monitor flickers now and then",
    "when you get a chance could someone look at my headset, not urgent",
    "low priority - the spare keyboard in the hot desk area has a sticky key",
)
SECURITY = (
    "I clicked a link in a dodgy email",
    "think ive been phished, I put my password into a page that looked like office 365",
    "got an email from the chief exec asking me to buy gift cards and I replied",
    "I sent a spreadsheet with residents details to the wrong person",
    "left my work laptop on the train to Sittingbourne",
    "my work phone was stolen from my car last night",
    "a pop up says all my files are encrypted and I need to pay",
    "the antivirus says it found a virus on my pc",
    "I entered my login details on a fake Microsoft page",
    "someone else seems to be logged into my account, theres emails I didnt send",
    "lost my bag with my laptop and badge in it",
    "opened an attachment from an email I didnt recognise and now my laptop is acting weird",
    "ransomware message on the screen at {place}",
    "emailed council tax details to the wrong resident by mistake",
    "lost a USB stick with case files on it",
    "had a call from someone saying they were from IT asking for my password and I gave it to them",
    "suspicious email asking me to confirm my bank details for payroll, I clicked it",
    "my laptop was nicked from the office",
    "I think my account has been hacked",
    "I accidentally sent a safeguarding report to an external email address",
)
FORWARD = (
    "-----Original Message-----\nFrom: {name} <{lower}@swale.gov.uk>\nSent: 03 March 2021 09:14\nTo: ICT Service Desk\n"
    "Subject: {subject}\n\n{body}"
)


def _one(rng: random.Random, items: tuple[str, ...]) -> str:
    return items[rng.randrange(len(items))]


class _Blanks(dict):
    """Leaves a placeholder it has no value for as it was, for a later step to fill."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(rng: random.Random, template: str) -> str:
    name = _one(rng, NAMES)
    return template.format_map(
        _Blanks(
            name=name,
            lower=name.lower(),
            place=_one(rng, PLACES),
            council=_one(rng, COUNCILS),
            action=_one(rng, ACTIONS),
            ticket=_one(rng, TICKETS),
            percent=_one(rng, PERCENTS),
            date=_one(rng, DATES),
            theme=_one(rng, THEMES),
        )
    )


# Templates for each intent that is not a problem: {name}, {place}, {council}, {action}, {ticket}, {percent},
# {date}, {theme} are filled in.
SAYINGS: dict[str, tuple[str, ...]] = {
    "status": (
        "how is the strategy going?",
        "whats the overall position on the ict strategy",
        "can I see how the {theme} theme is doing",
        "where are we with the {theme} actions for {council}",
        "give me a summary of the action plan",
        "whats the rag status across the plan",
        "how is the plan looking for {council}",
        "need the headline position on the strategy for the board report",
        "how are we doing against the ict strategy this year",
        "overview of the strategy please",
        "hows progress on the strategy for {council}",
        "what state is the {theme} theme in",
        "can you tell me how the strategy is going overall",
        "strategy status for 2020/21",
        "how far along is {action}",
        "is the strategy on track",
    ),
    "actions": (
        "which actions are overdue",
        "list the actions for {council}",
        "show me my actions",
        "what actions have I got",
        "which actions are flagged",
        "list all the {theme} actions",
        "overdue actions for {council} please",
        "what actions do I own",
        "can I see every action in the plan",
        "which of the actions are late",
        "show the list of {theme} actions that are overdue",
        "what actions are still not started",
    ),
    "update": (
        "I need to update my actions",
        "how do I post an update",
        "can I update {action}",
        "want to put my update in for the board",
        "I'd like to give an update on one of my actions",
        "where do I put my progress update",
        "update form please",
        "I need to record progress on my action",
        "how do I change the rag on my action",
        "I have to do my updates before the board, how",
    ),
    "progress_update": (
        "{action} is now at {percent}",
        "{name} here, {action} is now at {percent}",
        "{action} {percent} amber supplier late",
        "{action} done",
        "{action} now green, went live on monday",
        "quick update on {action} - we're about {percent} through, on track for {date}",
        "{action} blocked waiting on the firewall kit",
        "{action} is on hold until the new financial year",
        "{action} progress {percent}, rag amber, contractor slipped, should be finished {date}",
        "update for {action}: procurement complete, now {percent}, green",
        "{action} - red, the supplier has gone into administration",
        "{action} completed last week, can be closed",
        "{action} moved to {percent} and back to green now the kit has arrived",
        "hi its {name}, {action} is about {percent} done and should finish {date}",
        "{action} is amber, behind because of staff sickness, now expect to finish {date}",
        "{action} stalled, waiting on {council} sign off",
    ),
    "history": (
        "what's changed on {action}",
        "who updated {action} last",
        "show me the history of {action}",
        "previous updates on {action}",
        "audit trail for {action} please",
        "when was {action} last updated and by who",
        "can I see the past updates for {action}",
        "what has been said about {action} over time",
    ),
    "tickets": (
        "show my tickets",
        "what requests have I got open",
        "list my open calls",
        "my requests please",
        "have I got any open tickets",
        "can you list everything I've logged with ict",
        "show me all my support requests",
        "what have I got open with the service desk",
        "which of my tickets are still open",
    ),
    "ask_my_requests": (
        "any update on my ticket?",
        "has anyone looked at my laptop request yet",
        "when will my printer job be done",
        "still waiting to hear back about my password reset",
        "whats happening with the thing I logged yesterday",
        "is someone dealing with my request",
        "any news on my call about outlook",
        "how long until my request gets picked up",
        "I raised a request last week and have heard nothing",
        "has my ticket been assigned to anyone",
        "chasing my request from monday, any progress",
        "any update on my problem with the vpn",
    ),
    "ticket": (
        "{ticket}",
        "whats the latest on {ticket}",
        "can you show me {ticket}",
        "any news on {ticket}?",
        "where is {ticket} up to",
        "{ticket} any update",
        "is {ticket} fixed yet",
        "show {ticket} please",
        "what's going on with {ticket}",
        "details of {ticket}",
    ),
    "comment": (
        "add a note to {ticket} that it happens on the office wifi too",
        "can you tell the desk on {ticket} that I'm in on Tuesday",
        "please add to {ticket} that the error code is 0x80070005",
        "add to {ticket}: it has started again",
        "can you put a comment on {ticket} saying I've restarted it",
        "let them know on {ticket} that my mobile is 07700 900123",
        "note on {ticket} - user says its working from home but not in the office",
    ),
    "assign": (
        "assign {ticket} to me",
        "can I take {ticket}",
        "give {ticket} to {name}",
        "I'll pick up {ticket}",
        "put {ticket} in {name}'s name",
        "allocate {ticket} to {name} please",
    ),
    "priority": (
        "make {ticket} a P1",
        "bump {ticket} up to p2",
        "{ticket} should be lower priority, P4",
        "change the priority of {ticket} to P3",
        "raise the priority on {ticket}, its affecting the whole floor",
        "downgrade {ticket} to p4",
    ),
    "waiting": (
        "ask the requester on {ticket} for their asset tag",
        "put {ticket} on hold waiting for the user",
        "waiting on the user for {ticket}, asked them for a screenshot",
        "need more info from the user on {ticket} - which building are they in",
        "set {ticket} to waiting, asked {name} when they are in the office",
    ),
    "resolve": (
        "close {ticket}, reset their vpn profile",
        "{ticket} is fixed, replaced the toner",
        "mark {ticket} as resolved",
        "resolve {ticket} - password reset and user can log in",
        "{ticket} done, reimaged the laptop",
        "you can close {ticket} now, replaced the dock",
    ),
    "reopen": (
        "{ticket} is broken again",
        "the fix on {ticket} didnt last can you reopen it",
        "reopen {ticket} please its doing it again",
        "{ticket} was closed but its still not working",
        "can you open {ticket} back up",
        "please reopen {ticket} the problem has come back",
        "{ticket} has come back since this morning",
        "its happening again, {ticket} needs reopening",
    ),
    "withdraw": (
        "you can cancel {ticket}, sorted it myself",
        "dont need {ticket} any more",
        "please withdraw {ticket}",
        "cancel {ticket} please its working now",
        "{ticket} can be withdrawn, turned it off and on again",
        "ignore {ticket}, false alarm",
        "no longer need {ticket} thanks",
        "scrap {ticket}, found my old charger",
    ),
    "link": (
        "link {ticket} to {action}",
        "{ticket} is down to the old system {action} is replacing, link them",
        "tie {ticket} to {action} please",
        "can you link {ticket} with {action}",
        "{ticket} belongs with {action}, link it",
        "link {ticket} {action}",
    ),
    "unlink": (
        "unlink {ticket} from {action}",
        "{ticket} has nothing to do with {action}, unlink it",
        "remove the link between {ticket} and {action}",
        "untie {ticket} from {action}",
        "unlink {ticket} {action}",
    ),
    "where": (
        "{ticket} i work for {council} council",
        "for {ticket} im based at {place}",
        "re {ticket} my council is {council}",
        "{ticket} - im working from home today",
        "{ticket} im out in the borough on site visits today",
        "on {ticket} i'm in the office today",
        "where {ticket} home",
        "{ticket} i'm working at {place} this week",
    ),
    "rate": (
        "id give {ticket} 5 out of 5",
        "5 stars for {ticket}, {name} sorted it really quickly",
        "my rating for {ticket} is 2, it took three days",
        "i want to rate {ticket}",
        "feedback on {ticket}: 4 out of 5, good job",
        "not happy with how {ticket} was handled, 1 out of 5",
        "can i change my rating of {ticket} to 4",
        "how do i leave feedback on {ticket}",
        "rating {ticket} 3 stars, fixed but it was slow",
    ),
    "note": (
        "internal note on {ticket}: same fault as last week",
        "private note for the desk on {ticket} - dont tell the user yet",
        "internal only {ticket} waiting on the supplier to ring back",
        "desk only note on {ticket}: looks like the switch in {place}",
        "internal: {ticket} probably the same as the outage yesterday",
        "add an internal note to {ticket}, user is difficult on the phone",
    ),
    "report": (
        "desk report for last month please",
        "how did the service desk do in november",
        "can i see the service desk performance report",
        "monthly desk report for {council}",
        "whats our sla attainment this month",
        "service desk figures for october",
        "send me the desk stats for this month",
        "performance report for the helpdesk",
        "how are we doing against our slas this month",
    ),
    "queue": (
        "whats in the queue",
        "show me the unassigned tickets",
        "any P1s open",
        "what is waiting for the service desk",
        "triage list please",
        "anything about to breach SLA",
        "how many open calls have we got",
        "what's come in overnight",
        "show the desk queue",
        "which tickets are mine to work on",
    ),
    "owner": (
        "make {name} the owner of {action}",
        "change the owner of {action} to jane.smith@swale.gov.uk",
        "{action} should belong to {name} now",
        "hand {action} over to {name}, they've taken over the project",
        "set the owner of {action} to {name}",
    ),
    "grant": (
        "give {name} the agent role",
        "make {name} an admin",
        "{name} has joined the service desk, please add them as an agent",
        "can you give {name} admin rights on the bot",
        "add {name} as a lead",
    ),
    "revoke": (
        "remove admin from {name}",
        "take away {name}'s agent rights",
        "{name} has left the service desk, remove their agent role",
        "{name} shouldnt be an admin any more",
    ),
    "set-email": (
        "set {name}'s email to {lower}.smith@swale.gov.uk",
        "{name}'s email address is {lower}@maidstone.gov.uk, please link it",
        "change the email for {name} to {lower}@tunbridgewells.gov.uk",
    ),
    "import": (
        "I want to import the new plan",
        "how do I load the 2020/21 action plan",
        "upload the plan spreadsheet",
        "can I import the action plan from a csv",
        "I have the new plan from the board, how do I get it into the bot",
    ),
    "set-triage": (
        "send new tickets to this channel",
        "make this the triage channel",
        "can new requests be posted in here for the desk",
        "use this channel for triage",
    ),
    "set-announce": (
        "announce major incidents in this channel",
        "make this the announcement channel",
        "post outage announcements here",
        "use this channel for incident announcements",
    ),
    "incident": (
        "is there a known issue with the vpn",
        "any outages at the moment",
        "open a major incident for the email outage",
        "are there any known issues",
        "is something down right now",
        "whats the current outage",
        "log a major incident, phones down at {place}",
    ),
    "join": (
        "add me to the outage INC-2",
        "join INC-4 im affected too",
        "add {ticket} to INC-1",
        "me too, put me on INC-3",
        "i have the same problem as INC-2",
    ),
    "set-strategy": (
        "post the daily digest in this channel",
        "make this the strategy channel",
        "send the strategy digest here",
        "use this channel for strategy updates",
    ),
    "board": (
        "when is the next board",
        "next shared services board meeting date",
        "whens the MKS board",
        "board dates please",
        "when do the board meet next",
        "what date is the next shared service board",
        "is there a board meeting in {date}",
        "when is the deadline for board updates",
    ),
    "kb": (
        "is there a guide for setting up the authenticator on a new phone",
        "any help articles about printing",
        "show me the self help articles",
        "where are the how to guides",
        "is there an article on onedrive syncing",
        "do you have instructions for the vpn",
        "knowledge base",
        "a guide to outlook shared mailboxes please",
    ),
    "help": (
        "help",
        "what can you do",
        "how do I use this bot",
        "what commands are there",
        "im new, what can I ask you",
        "what are you for",
        "how does this work",
        "can you help me use this",
        "what sort of things can I ask",
    ),
    "whoami": (
        "who am I",
        "what roles do I have",
        "am I an agent",
        "what does the bot know about me",
        "am I set up as an admin",
        "what email do you have for me",
        "which account am I using",
    ),
    "greeting": (
        "hi",
        "morning",
        "hello there",
        "good afternoon",
        "hiya",
        "good morning",
        "morning all",
        "hello ict",
        "hey there",
        "afternoon",
        "hi hope youre well",
        "evening",
    ),
    "thanks": (
        "thanks",
        "thank you",
        "cheers",
        "ta",
        "brilliant thanks",
        "thanks thats sorted",
        "much appreciated",
        "thank you so much",
        "cheers for that",
        "great thanks",
        "lovely thank you",
        "thanks, all working now",
        "ta very much",
        "many thanks {name}",
    ),
    "unknown": (
        "whats for lunch",
        "is the car park at {place} open",
        "asdf",
        "who won the football last night",
        "what time does the council chamber open",
        "lol",
        "ok",
        "the weather is awful in {place} today",
        "do you know where {name} is",
        "can I bring my dog into the office",
        "what is the meaning of life",
        "pizza",
        "when are the bins collected in Faversham",
        "hmm",
        "test",
        "is it friday yet",
        "what day is the christmas party",
        "sing me a song",
    ),
}

#: Ways people lead into a problem (report_problem) or ask for a request to be raised (support).
PROBLEM_FRAMES = (
    "{problem}",
    "hi, {problem}",
    "{problem} at {place}",
    "morning, {problem}, can someone help",
    "{problem}. I've restarted twice and it's still the same",
    "Hi, sorry to bother you, since yesterday {problem}. I'm working from {place} today and need it for a meeting "
    "this afternoon, I've tried turning it off and on again and logging out and back in but nothing has changed",
    "{name} here from {council} - {problem}",
    "{problem} again!!",
    "not sure who to ask but {problem}",
    "{problem}, I'm at {place} all day",
)
SUPPORT_FRAMES = (
    "raise a ticket: {problem}",
    "can you log a call for me, {problem}",
    "please open a request, {problem}",
    "I'd like to report a problem - {problem}",
    "need to raise a request for {name}, {problem}",
    "could you create a ticket please, {problem}",
    "log a job for me: {problem}",
)
SUPPORT_BARE = (
    "I want to report a problem",
    "need to raise a request",
    "how do I contact the service desk",
    "I need to log a call",
    "can I raise a ticket",
    "I need help from ict",
    "how do I get hold of IT support",
)
SECURITY_FRAMES = (
    "{problem}",
    "help! {problem}",
    "{problem}, what do I do",
    "not sure if this matters but {problem}",
    "{name} here, {problem}",
    "{problem} - should I turn it off?",
)
FORWARDED_SECURITY = (
    ("Action required: your mailbox is full", "Click here to keep your mailbox active {link}"),
    ("Invoice 4471 overdue", "Please open the attached invoice and pay today"),
    ("Payroll: confirm your details", "Your salary will be delayed unless you log in here {link}"),
)
FORWARDED_PROBLEM = (
    ("Printer", "The printer on the 1st floor has been jammed since Monday, can you help"),
    ("Laptop", "My laptop screen keeps going black when I undock it"),
    ("VPN", "I can't connect to the VPN from home, it says the server is unreachable"),
)
#: The issue's table, verbatim: every row is kept in `train`.
ISSUE_ROWS = (
    ("I clicked a link in a dodgy email", "security_incident", "security incident", "P1"),
    ("how is the strategy going?", "status", "", ""),
    ("any update on my ticket?", "ask_my_requests", "", ""),
    ("RS-05 is now at 40%", "progress_update", "", ""),
    ("Priya here, RS-05 is now at 40%", "progress_update", "", ""),
    ("thanks", "thanks", "", ""),
    ("ict-1", "ticket", "", ""),
    ("nobody in Swale House can print", "report_problem", "hardware", "P2"),
    ("Teams calls keep cutting out", "report_problem", "telephony", "P3"),
    ("urgent, meeting with the chief exec in 10 mins, laptop dead", "report_problem", "hardware", "P2"),
)

_NEIGHBOURS = "qwertyuiopasdfghjklzxcvbnm"


def roughen(rng: random.Random, text: str) -> str:
    """Type it as chat is typed: sometimes all lower case, without punctuation, or with a slip in a word."""
    if "\n" in text:  # forwarded text is pasted as it was
        return text
    if rng.random() < 0.35:
        text = text.lower()
    if rng.random() < 0.3:
        text = re.sub(r"[?!.,;:'](?=\s|$)|'", "", text)
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if long_words and rng.random() < 0.3:
        i = long_words[rng.randrange(len(long_words))]
        word, at = words[i], rng.randrange(1, len(words[i]) - 1)
        slip = rng.randrange(3)
        if slip == 0:  # two letters swapped
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        elif slip == 1:  # a letter left out
            word = word[:at] + word[at + 1 :]
        else:  # a letter doubled
            word = word[:at] + word[at] + word[at:]
        words[i] = word
    return " ".join(words)


def _rows(rng: random.Random) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for intent, templates in SAYINGS.items():
        for template in templates:
            for _ in range(3 if "{" in template else 1):
                rows.append((roughen(rng, _fill(rng, template)), intent, "", ""))
    for category, problems in PROBLEMS.items():
        for problem in problems:
            for frames, intent in ((PROBLEM_FRAMES, "report_problem"), (SUPPORT_FRAMES, "support")):
                for _ in range(2 if intent == "report_problem" else 1):
                    frame = _one(rng, frames)
                    text = _fill(rng, frame.replace("{problem}", problem))
                    rows.append((roughen(rng, text), intent, category, "P3"))
    for group, priority in ((WIDESPREAD, "P2"), (URGENT, "P2"), (NO_RUSH, "P4")):
        for text in group:
            rows.append((_fill(rng, text), "report_problem", "", priority))
    for text in SUPPORT_BARE:
        rows.append((roughen(rng, text), "support", "", ""))
    for problem in SECURITY:
        for _ in range(2):
            frame = _one(rng, SECURITY_FRAMES)
            rows.append(
                (
                    roughen(rng, _fill(rng, frame.replace("{problem}", problem))),
                    "security_incident",
                    "security incident",
                    "P1",
                )
            )
    for subject, body in FORWARDED_SECURITY:
        for lead in (
            "is this real? I clicked the link before I noticed",
            "I opened this and entered my password, help",
        ):
            forwarded = _fill(rng, FORWARD).replace("{subject}", subject).replace("{body}", body)
            text = f"{lead}\n\n{forwarded}".replace("{link}", "http://0ffice365-login.example")
            rows.append((text, "security_incident", "security incident", "P1"))
    for subject, body in FORWARDED_PROBLEM:
        forwarded = _fill(rng, FORWARD).replace("{subject}", subject).replace("{body}", body)
        rows.append((f"see below from a colleague, can you help\n\n{forwarded}", "report_problem", "", "P3"))
    return rows


def _categorised(rows: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """The rows whose category was left for later: urgent problems and forwarded ones get theirs from the words
    they were written with."""
    named = {
        "laptop": "hardware",
        "projector": "hardware",
        "print": "hardware",
        "keyboard": "hardware",
        "monitor": "hardware",
        "headset": "hardware",
        "outlook": "email",
        "locked out": "access",
        "vpn": "network",
        "internet": "network",
        "phones": "telephony",
    }
    done = []
    for text, intent, category, priority in rows:
        if intent == "report_problem" and not category:
            category = next(c for word, c in named.items() if word in text.lower())
        done.append((text, intent, category, priority))
    return done


def build() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    rows = _categorised(_rows(rng))
    seen = {text for text, *_ in ISSUE_ROWS}
    by_intent: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            by_intent[row[1]].append(row)
    out = [dict(zip(COLUMNS, (*row, "train"), strict=True)) for row in ISSUE_ROWS]
    for intent in sorted(by_intent):
        group = by_intent[intent]
        rng.shuffle(group)
        for i, row in enumerate(group):
            out.append(dict(zip(COLUMNS, (*row, "eval" if i % EVAL_SHARE == EVAL_SHARE - 1 else "train"), strict=True)))
    return out


def main() -> int:
    rows = build()
    with CSV_PATH.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} messages written to {CSV_PATH.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
