"""The page's words: every text in both languages, and the language taken from the browser's."""

import re

from mnist_cnn.errors import InputError
from mnist_cnn.segment import SHADED
from webpage.text import CHINESE, EN, ENGLISH, ZH, language, say


def test_every_text_is_in_english_and_in_chinese_with_the_same_blanks():
    assert set(EN) == set(ZH)
    for key in EN:
        assert re.findall(r"{(\w+)}", EN[key]) == re.findall(r"{(\w+)}", ZH[key]), key
        assert ZH[key] != EN[key], key


def test_chinese_texts_use_the_articles_terms():
    chinese = " ".join(ZH.values())
    terms = ("卷积核", "特征图", "池化", "全连接层", "局部感受野", "参数共享", "局部响应归一化", "平移不变性",
             "批归一化")
    for term in terms:
        assert term in chinese, term


def test_language_follows_the_browsers_first_choice():
    assert language("zh-CN,zh;q=0.9,en;q=0.8") == language("zh") == language("zh-TW") == CHINESE
    assert language("en-US,en;q=0.9,zh-CN;q=0.5") == language(None) == language("") == ENGLISH
    assert say(CHINESE, "confidence", percent="97.5") == "置信度 97.5 %"


def test_every_reason_a_picture_cannot_be_read_has_its_chinese_sentence():
    import ast
    from pathlib import Path

    import mnist_cnn.preprocess
    from webpage.text import ZH_INPUT_ERRORS

    tree = ast.parse(Path(mnist_cnn.preprocess.__file__).read_text())
    reasons = {call.args[1].value for call in ast.walk(tree) if isinstance(call, ast.Call)
               and getattr(call.func, "id", None) == "InputError" and len(call.args) > 1}
    assert reasons and reasons <= set(ZH_INPUT_ERRORS), reasons - set(ZH_INPUT_ERRORS)


def test_every_doubt_segment_can_give_has_its_sentence_in_both_languages():
    import mnist_cnn.segment as segment

    sentences = {value for name, value in vars(segment).items()
                 if name.isupper() and isinstance(value, str) and value.endswith(".")}  # its sentences of doubt
    assert SHADED in sentences and sentences == set(segment.DOUBTS)
    for doubt in segment.DOUBTS:
        assert say(ENGLISH, doubt) == doubt
        assert re.search(r"[a-zA-Z]", say(CHINESE, doubt)) is None, doubt


def test_unreadable_pictures_are_explained_in_chinese_around_their_names(tmp_path):
    import pytest

    from mnist_cnn.preprocess import load
    from webpage.text import unreadable

    (tmp_path / "notes.png").write_text("not a picture")
    (tmp_path / "cut.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    for source, name in ((tmp_path / "notes.png", "notes.png"), (tmp_path / "cut.png", "cut.png"), (b"", None),
                         (tmp_path, None)):
        with pytest.raises(InputError) as refused:
            load(source)
        sentence = unreadable(CHINESE, refused.value)
        assert re.search(r"[a-zA-Z]{3,}", sentence.replace(name or str(tmp_path), "").replace("PNG", "")
                         .replace("JPEG", "").replace("WebP", "").replace("BMP", "").replace("GIF", "")) is None
        assert unreadable(ENGLISH, refused.value) == str(refused.value)
