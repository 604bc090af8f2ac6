"""review: the diff shown before a save, with ciphertexts shortened and plain values hidden."""

from __future__ import annotations

from pathlib import Path

from fnox_tui.core.review import HIDDEN, review_file, shorten_ciphertexts

CIPHER = "AQICAHhX8Yq0mzLqBv0l3cRkq6gkMxDkU2Xh4jWmYoN2s1vQwAG0n8zJ1cY9kF3mQ7bR5tU2dA=="
RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"


def test_long_base64_runs_are_shortened_others_kept() -> None:
    line = f'A = {{ value = "{CIPHER}", recipients = ["{RECIPIENT}"], hex = "{"ab" * 32}" }}'
    assert shorten_ciphertexts(line) == (
        f'A = {{ value = "AQICAHhX8Yq0…U2dA==", recipients = ["{RECIPIENT}"], '
        f'hex = "{"ab" * 32}" }}'
    )
    assert shorten_ciphertexts('key_id = "arn:aws:kms:us-east-1:1234:key/abc"') == (
        'key_id = "arn:aws:kms:us-east-1:1234:key/abc"'
    )


def test_review_shows_only_the_changed_lines_with_context() -> None:
    old = "".join(f'K{i} = {{ value = "v{i}" }}\n' for i in range(10))
    new = old.replace('K5 = { value = "v5" }', f'K5 = {{ value = "{CIPHER}" }}')
    review = review_file(Path("fnox.toml"), old, new, context=1)
    assert [(line.kind, line.prefix + line.text) for line in review.lines] == [
        ("header", "--- fnox.toml"),
        ("header", "+++ fnox.toml"),
        ("hunk", "@@ -5,3 +5,3 @@"),
        ("context", ' K4 = { value = "v4" }'),
        ("removed", '-K5 = { value = "v5" }'),
        ("added", '+K5 = { value = "AQICAHhX8Yq0…U2dA==" }'),
        ("context", ' K6 = { value = "v6" }'),
    ]
    assert (review.added, review.removed) == (1, 1)
    assert review.lines[4].old_line == 6 and review.lines[5].new_line == 6
    assert CIPHER not in review.unified()


def test_plain_values_can_be_hidden_raw_and_escaped() -> None:
    old = "[secrets]\n"
    new = '[secrets]\nP = { provider = "plain", value = "hunter\\"2" }\n'
    review = review_file(Path("fnox.toml"), old, new, hide=['hunter"2'])
    assert review.lines[-1].text == f'P = {{ provider = "plain", value = "{HIDDEN}" }}'


def test_crlf_and_final_newline_changes() -> None:
    old = "a = 1\r\nb = 2"
    new = "a = 1\r\nb = 3\r\n"
    review = review_file(Path("f.toml"), old, new)
    texts = [line.prefix + line.text for line in review.lines]
    assert texts[2:] == [
        "@@ -1,2 +1,2 @@",
        " a = 1",
        "-b = 2",
        "+b = 3",
        "(the file now ends with a newline)",
    ]


def test_a_change_in_a_long_file_is_one_hunk_with_its_line_numbers() -> None:
    old_lines = [f'K{n} = {{ provider = "plain", value = "v{n}" }}' for n in range(6000)]
    new_lines = list(old_lines)
    new_lines[4321] = 'K4321 = { provider = "plain", value = "changed" }'
    del new_lines[5000]
    old, new = "\n".join(old_lines) + "\n", "\n".join(new_lines) + "\n"
    review = review_file(Path("fnox.toml"), old, new, context=1, hide=["v4321", "ü\n"])
    hunks = [line.text for line in review.lines if line.kind == "hunk"]
    assert hunks == ["@@ -4321,3 +4321,3 @@", "@@ -5000,3 +5000,2 @@"]
    changed = [(line.kind, line.old_line, line.new_line) for line in review.lines[3:6]]
    assert changed == [("context", 4321, 4321), ("removed", 4322, 0), ("added", 0, 4322)]
    assert review.lines[4].text == f'K4321 = {{ provider = "plain", value = "{HIDDEN}" }}'
    assert (review.added, review.removed) == (1, 2)
