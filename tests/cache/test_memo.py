"""The memo of decoded values: reused only for the very bytes decoded, never for bad ones."""

import json

import pytest

from dashboard.cache.memo import DecodedMemo


class CountingDecoder:
    """Decodes JSON text into a list and counts its calls; refuses anything but a list."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, raw: bytes | str) -> list:
        self.calls += 1
        value = json.loads(raw)
        if not isinstance(value, list):
            raise ValueError("not a list")
        return value


def validate(value: object) -> object:
    return value


def other_validate(value: object) -> object:
    return value


def test_the_same_bytes_are_decoded_once():
    memo, decoder = DecodedMemo(), CountingDecoder()

    first = memo.decode("key", b"[1, 2]", validate, decoder)
    second = memo.decode("key", b"[1, 2]", validate, decoder)

    assert first == second == [1, 2]
    assert decoder.calls == 1


def test_other_bytes_under_the_key_are_decoded_again():
    memo, decoder = DecodedMemo(), CountingDecoder()
    memo.decode("key", b"[1, 2]", validate, decoder)

    assert memo.decode("key", b"[3]", validate, decoder) == [3]
    assert memo.decode("key", b"[1, 2]", validate, decoder) == [1, 2]
    assert decoder.calls == 3


def test_bytes_that_do_not_fit_are_refused_every_time():
    memo, decoder = DecodedMemo(), CountingDecoder()
    memo.decode("key", b"[1]", validate, decoder)

    for _ in range(2):
        with pytest.raises(ValueError, match="not a list"):
            memo.decode("key", b'{"a": 1}', validate, decoder)
    assert decoder.calls == 3


def test_another_validator_decodes_for_itself():
    memo, decoder = DecodedMemo(), CountingDecoder()
    memo.decode("key", b"[1]", validate, decoder)

    memo.decode("key", b"[1]", other_validate, decoder)

    assert decoder.calls == 2


def test_the_same_bytes_under_another_key_are_decoded_for_it():
    memo, decoder = DecodedMemo(), CountingDecoder()
    memo.decode("one", b"[1]", validate, decoder)

    memo.decode("two", b"[1]", validate, decoder)

    assert decoder.calls == 2


def test_each_reader_gets_a_list_of_its_own():
    memo, decoder = DecodedMemo(), CountingDecoder()
    memo.decode("key", b"[2, 1]", validate, decoder).append(3)

    mine = memo.decode("key", b"[2, 1]", validate, decoder)
    mine.sort()

    assert memo.decode("key", b"[2, 1]", validate, decoder) == [2, 1]
    assert decoder.calls == 1


def test_a_dict_too():
    memo = DecodedMemo()
    memo.decode("key", b'{"a": 1}', validate, json.loads)["b"] = 2

    assert memo.decode("key", b'{"a": 1}', validate, json.loads) == {"a": 1}


def test_text_and_bytes_of_the_same_json_are_the_same_bytes():
    memo, decoder = DecodedMemo(), CountingDecoder()
    memo.decode("key", "[1]", validate, decoder)

    memo.decode("key", b"[1]", validate, decoder)

    assert decoder.calls == 1


def test_a_remembered_value_is_not_decoded_and_is_a_copy():
    memo, decoder = DecodedMemo(), CountingDecoder()
    loaded = [1, 2]
    memo.remember("key", "[1, 2]", validate, loaded)
    loaded.append(3)

    assert memo.decode("key", b"[1, 2]", validate, decoder) == [1, 2]
    assert decoder.calls == 0


def test_the_least_recently_read_go_first_when_the_bytes_add_up():
    memo, decoder = DecodedMemo(max_bytes=10), CountingDecoder()
    memo.decode("a", b"[1, 2]", validate, decoder)  # 6 bytes
    memo.decode("b", b"[3]", validate, decoder)  # 3 bytes
    memo.decode("a", b"[1, 2]", validate, decoder)  # read again: now the most recent
    memo.decode("c", b"[4]", validate, decoder)  # 12 bytes in all: "b" goes
    assert decoder.calls == 3

    memo.decode("a", b"[1, 2]", validate, decoder)
    memo.decode("c", b"[4]", validate, decoder)
    assert decoder.calls == 3
    memo.decode("b", b"[3]", validate, decoder)
    assert decoder.calls == 4


def test_bytes_beyond_the_whole_budget_are_decoded_every_time():
    memo, decoder = DecodedMemo(max_bytes=4), CountingDecoder()

    memo.decode("key", b"[1, 2]", validate, decoder)
    memo.decode("key", b"[1, 2]", validate, decoder)

    assert decoder.calls == 2
