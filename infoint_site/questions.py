"""The question bank: what to ask in an informational interview, in the order to ask it.

Built in, and extended by ``questions:`` in infoint.yaml (by group). New meetings
and preparation sheets offer it; the site gathers every answer per question.
"""

from __future__ import annotations

from collections.abc import Mapping

BANK: dict[str, tuple[str, ...]] = {
    "big-picture": (
        "How would you describe the state of the field today?",
        "Where is the field heading in the next five years?",
        "What are the biggest opportunities and challenges the field faces?",
        "Which organisations and people matter most in the field?",
        "Which employers do people in the field most want to work for, and why?",
    ),
    "specifics": (
        "How do people usually get into this field, and how did you?",
        "Why did you choose this field?",
        "What is your typical day like?",
        "What kinds of decisions do you make in a typical week?",
        "What do you like most about your work, and what least?",
        "Which skills and personal traits matter most to succeed here?",
        "What are the working conditions and pay like, in broad terms?",
        "How does advancement work here?",
        "How do you balance work and the rest of your life?",
        "How would you assess someone with my background for this field?",
        "What advice would you give someone like me?",
    ),
    "closing": (
        "Who else should I talk to, and may I use your name when I contact them?",
        "May I stay in touch with you from time to time?",
    ),
}

GROUP_TITLES = {"big-picture": "Big picture", "specifics": "Specifics", "closing": "Closing"}

PREPARATION: tuple[str, ...] = (
    "A two-minute introduction of yourself: who you are, what you are exploring, why them.",
    "The goals of this conversation: what you most want to learn.",
    "The script you used when asking for the meeting: stay true to it.",
    "Research on the person and their organisation.",
    "The agreed length: keep to it, and offer to stop when the time is up.",
    "For a video call: their preferred platform, tested beforehand.",
)


def question_bank(extra: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The built-in bank with a journal's own questions added to their groups.

    Own groups come after the built-in ones, except that closing stays last.
    """
    bank = {group: list(questions) for group, questions in BANK.items() if group != "closing"}
    closing = list(BANK["closing"])
    for group, questions in extra.items():
        target = closing if group == "closing" else bank.setdefault(group, [])
        for question in questions:
            if question not in target:
                target.append(question)
    bank["closing"] = closing
    return {group: tuple(questions) for group, questions in bank.items()}


def group_title(group: str) -> str:
    return GROUP_TITLES.get(group, group.replace("-", " ").replace("_", " ").capitalize())
