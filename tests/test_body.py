"""What the core reads from a Markdown body: `## Q:` answers and the Evaluation heading."""

from __future__ import annotations

import pytest

from infoint_site.body import question_key, scan_body


def test_evaluation_heading_is_found() -> None:
    facts = scan_body("## Notes\nSome notes.\n\n## Evaluation\nWent well.\n", 7)
    assert facts.has_evaluation is True
    assert facts.headings == ("Notes", "Evaluation")


@pytest.mark.parametrize(
    "heading",
    ["## Evaluation", "# Evaluation", "### evaluation", "## EVALUATION:", "   ## Evaluation ##"],
)
def test_evaluation_heading_variants(heading: str) -> None:
    assert scan_body(f"{heading}\ntext\n", 1).has_evaluation is True


@pytest.mark.parametrize(
    "body",
    [
        "The evaluation is still to do.\n",
        "## Evaluation of the tools\n",
        "##Evaluation\n",  # not a heading: no space after the hashes
        "    ## Evaluation\n",  # an indented code block
        "```\n## Evaluation\n```\n",
        "~~~markdown\n## Evaluation\n~~~\n",
        "````\n```\n## Evaluation\n```\n````\n",  # a shorter fence does not close a longer one
        "```\n## Evaluation\n",  # an unclosed fence runs to the end
        "~~~\n```\n## Evaluation\n",  # the other fence character does not close it
    ],
)
def test_no_evaluation(body: str) -> None:
    assert scan_body(body, 1).has_evaluation is False


def test_heading_after_a_closed_fence_counts() -> None:
    body = "```yaml\n## Evaluation\n```\n\n## Evaluation\nDone.\n"
    assert scan_body(body, 1).has_evaluation is True


@pytest.mark.parametrize("underline", ["----------", "=========="])
def test_setext_evaluation_heading(underline: str) -> None:
    assert scan_body(f"Notes.\n\nEvaluation\n{underline}\nWent well.\n", 1).has_evaluation


def test_answers_with_text_and_file_lines() -> None:
    body = (
        "## Notes\n"                      # file line 10
        "\n"
        "## Q: What is your typical day like?\n"  # 12
        "Meetings in the morning,\n"
        "\n"
        "### A detail\n"
        "deep work after lunch.\n"
        "## Q:Why data?\n"               # 17
        "Curiosity.\n"
        "# Evaluation\n"
        "Good.\n"
    )
    facts = scan_body(body, 10)
    assert [(a.question, a.text(body), a.line) for a in facts.answers] == [
        ("What is your typical day like?",
         "Meetings in the morning,\n\n### A detail\ndeep work after lunch.", 12),
        ("Why data?", "Curiosity.", 17),
    ]
    assert facts.has_evaluation is True


def test_answer_runs_to_the_end_and_ignores_fenced_questions() -> None:
    body = "```\n## Q: Not a question?\n```\n## q : Where next?\nAI.\n```\n## x\n```\n"
    facts = scan_body(body, 3)
    assert [(a.question, a.text(body), a.line) for a in facts.answers] == [
        ("Where next?", "AI.\n```\n## x\n```", 6)]
    assert facts.headings == ("q : Where next?",)


def test_empty_body() -> None:
    facts = scan_body("", 5)
    assert facts.answers == ()
    assert facts.has_evaluation is False
    assert facts.headings == ()


def test_heading_ending_in_hash_keeps_it() -> None:
    facts = scan_body("## Q: Which language: C#\nMostly.\n", 1)
    assert facts.answers[0].question == "Which language: C#"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is your typical day like?", "what is your typical day like"),
        ("Who else should I talk to?", "WHO ELSE, should I talk to!"),
        ("Why  this   field?", "why this field"),
    ],
)
def test_question_key_ignores_case_and_punctuation(a: str, b: str) -> None:
    assert question_key(a) == question_key(b)


def test_question_key_value() -> None:
    assert question_key("  What's your TYPICAL day like?! ") == "what s your typical day like"
    assert question_key("Why data?") != question_key("Why design?")
