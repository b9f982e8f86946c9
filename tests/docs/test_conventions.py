"""The README conventions themselves, on small Markdown texts: what is run, matched and checked."""

from __future__ import annotations

import pytest

from dmarcwatch.cli import build_parser
from tests.docs.examples import Command, examples, mismatch
from tests.docs.mentions import problems

FENCE = "```"


def md(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def only_command(markdown: str) -> Command:
    (example,) = examples(markdown)
    (command,) = example.commands
    return command


def test_a_block_without_prompt_lines_is_not_an_example() -> None:
    assert examples(md("```sh", "dmarcwatch senders [--domain D]", FENCE)) == []


def test_the_output_runs_up_to_the_next_command_or_the_fence() -> None:
    (example,) = examples(md("# A", "```sh", "$ one", "1", "$ two", "2", "2b", FENCE, "after"))
    first, second = example.commands
    assert (first.line, first.text, [e.text for e in first.expected]) == (3, "one", ["1"])
    assert (second.line, second.text, [e.text for e in second.expected]) == (5, "two", ["2", "2b"])
    assert example.heading == "A"
    assert example.not_run is None


def test_output_before_the_first_command_is_refused() -> None:
    with pytest.raises(ValueError, match="line 2: output before the first command"):
        examples(md("```", "stray", "$ one", FENCE))


def test_the_exact_output_matches() -> None:
    assert mismatch(only_command(md(FENCE, "$ c", "a", "b", FENCE)), ["a", "b"]) is None


def test_an_elision_stands_for_any_text_within_its_line() -> None:
    command = only_command(md(FENCE, "$ c", "id …, count …", FENCE))
    assert mismatch(command, ["id 42, count 7"]) is None
    assert mismatch(command, ["id 42, count "]) is None
    assert mismatch(command, ["id 42", "count 7"]) is not None


def test_a_line_of_only_an_elision_stands_for_any_number_of_lines() -> None:
    command = only_command(md(FENCE, "$ c", "head", "…", "tail", FENCE))
    for middle in ([], ["x"], ["x", "y", "tail"]):
        assert mismatch(command, ["head", *middle, "tail"]) is None
    assert mismatch(command, ["head", "x"]) is not None


def test_a_changed_line_is_reported_with_its_readme_line() -> None:
    command = only_command(md("text", FENCE, "$ c", "one", "two", "three", FENCE))
    assert mismatch(command, ["one", "2", "three"]) == (
        "README line 5 differs:\n  README: two\n  output: 2"
    )


def test_output_the_readme_does_not_show_is_reported() -> None:
    command = only_command(md(FENCE, "$ c", "one", FENCE))
    assert mismatch(command, ["one", "more"]) == (
        "the output goes on after README line 3:\n  output: more"
    )
    silent = only_command(md(FENCE, "$ c", FENCE))
    assert mismatch(silent, ["noise"]) == "the output goes on after README line 2:\n  output: noise"


def test_missing_output_is_reported() -> None:
    command = only_command(md(FENCE, "$ c", "one", "two", FENCE))
    assert mismatch(command, ["one"]) == "README line 4 expects more output:\n  README: two"


def test_wrapped_lines_continue_the_line_above_with_their_space() -> None:
    text = md("<!-- example: wrapped -->", FENCE, "$ c", '{"a": 1,', ' "b": 2}', "next", FENCE)
    command = only_command(text)
    assert [e.text for e in command.expected] == ['{"a": 1, "b": 2}', "next"]
    assert mismatch(command, ['{"a": 1, "b": 2}', "next"]) is None


def test_a_wrapped_line_reports_the_readme_line_that_differs() -> None:
    text = md("<!-- example: wrapped -->", FENCE, "$ c", '{"a": …,', ' "b": 2,', ' "c": 3}', FENCE)
    differs = mismatch(only_command(text), ['{"a": 1, "b": 5, "c": 3}'])
    assert differs == 'README line 5 differs:\n  README:  "b": 2,\n  output: … "b": 5, "c": 3}'


def test_without_the_wrapped_marker_an_indented_line_is_a_line() -> None:
    command = only_command(md(FENCE, "$ c", "a", " b", FENCE))
    assert [e.text for e in command.expected] == ["a", " b"]


def test_a_block_marked_not_run_keeps_its_reason() -> None:
    (example,) = examples(md("<!-- example: not run: needs a mailbox -->", FENCE, "$ c", FENCE))
    assert example.not_run == "needs a mailbox"


@pytest.mark.parametrize(
    "comment",
    ["<!-- example: not run -->", "<!-- example: not run: -->", "<!-- example: wraped -->"],
)
def test_a_malformed_marker_is_refused(comment: str) -> None:
    with pytest.raises(ValueError, match="line 1: unknown example marker"):
        examples(md(comment, FENCE, "$ c", FENCE))


def test_a_marker_on_a_block_without_commands_is_refused() -> None:
    with pytest.raises(ValueError, match="marker on a block without commands"):
        examples(md("<!-- example: wrapped -->", FENCE, "dmarcwatch parse PATH", FENCE))


def test_other_html_comments_are_left_alone() -> None:
    (example,) = examples(md("<!-- a note -->", FENCE, "$ c", FENCE))
    assert example.not_run is None


def check(*lines: str) -> list[str]:
    return problems(md(*lines), build_parser())


def test_the_options_of_a_command_line_are_checked_against_that_command() -> None:
    assert check(FENCE, "dmarcwatch import --jobs 2 samples/", FENCE) == []
    assert check(FENCE, "dmarcwatch import --colour samples/", FENCE) == [
        "README.md line 2: `--colour` is not an option of import"
    ]


def test_an_unknown_command_is_reported() -> None:
    assert check("Run `dmarcwatch frobnicate`.") == [
        "README.md line 1: no command `dmarcwatch frobnicate`"
    ]
    assert check("`dmarcwatch config chek`") == [
        "README.md line 1: no command `dmarcwatch config chek`"
    ]
    assert check("`dmarcwatch senders refresh`") == [
        "README.md line 1: no command `dmarcwatch senders refresh`"
    ]


def test_an_option_in_a_command_section_belongs_to_that_command() -> None:
    assert check("### `dmarcwatch import PATH...`", "", "`--quiet` and `-j N`") == []
    assert check("### `dmarcwatch import PATH...`", "", "`--rdns`") == [
        "README.md line 3: `--rdns` is not an option of import"
    ]


def test_an_option_outside_command_sections_is_one_every_command_takes() -> None:
    assert check("## Commands", "", "Every command takes `--db URL` and `-v/--verbose`.") == []
    (problem,) = check("## Commands", "", "`--json`")
    assert problem.startswith("README.md line 3: `--json` is not an option of config check, export")


def test_a_placeholder_command_stands_for_every_command() -> None:
    assert check("`dmarcwatch COMMAND --help`") == []
    assert check("`dmarcwatch COMMAND --rdns`")[0].startswith("README.md line 1: `--rdns`")


def test_each_command_of_a_shell_line_is_checked() -> None:
    assert check(FENCE, "0 6 * * 1  dmarcwatch poll && dmarcwatch report --rdns", FENCE) == [
        "README.md line 2: `--rdns` is not an option of report"
    ]


def test_prose_and_paths_are_not_read_as_commands() -> None:
    assert (
        check("dmarcwatch reads reports --quickly; see /opt/dmarcwatch/bin and `dmarcwatch.db`.")
        == []
    )
    assert (
        check(FENCE, 'url = "sqlite:////var/lib/dmarcwatch/x.db"', "User=dmarcwatch", FENCE) == []
    )


def test_only_the_command_lines_of_an_example_are_read() -> None:
    assert check(FENCE, "$ dmarcwatch import x", "dmarcwatch import --not-an-option", FENCE) == []
