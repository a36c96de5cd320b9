"""The page's words: every text in both languages, and the language taken from the browser's."""

import re

from page_text import CHINESE, EN, ENGLISH, ZH, language, say


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
