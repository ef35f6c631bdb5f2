"""Content sniffing of uploads (yigai.core.uploads), beyond the doctests: texts in GBK are text wherever
the 4096-byte sample happens to end."""

from __future__ import annotations

import pytest

from yigai.core.uploads import sniff, sniff_upload

GBK_TEXT = ("一、重点任务（一）强化基层医疗卫生服务能力。" * 400).encode("gbk")


@pytest.mark.parametrize("shift", [0, 1, 2, 3])
def test_gbk_text_is_text_whatever_the_sample_cut(shift: int) -> None:
    data = b"x" * shift + GBK_TEXT  # moves a two-byte character across the sample's last byte
    assert sniff(data) == "text"
    assert sniff_upload("任务.txt", data, allowed=(".txt",), max_bytes=10**6).kind == "text"


def test_undecodable_bytes_are_binary() -> None:
    assert sniff(bytes(range(128, 256)) * 40) == "binary"
