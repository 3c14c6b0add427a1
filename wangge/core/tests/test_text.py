from wangge.core.text import chinese_number, natural_key


def test_chinese_numbers():
    assert [chinese_number(t) for t in ("一", "十", "十二", "二十", "二十三", "一百零五")] == [
        1,
        10,
        12,
        20,
        23,
        105,
    ]


def test_branches_sort_as_people_count():
    names = ["湖滨村第三党支部", "湖滨村第十党支部", "湖滨村第一党支部", "湖滨村第二党支部"]
    assert sorted(names, key=natural_key) == [
        "湖滨村第一党支部",
        "湖滨村第二党支部",
        "湖滨村第三党支部",
        "湖滨村第十党支部",
    ]
    assert sorted(["组10", "组2", "组1"], key=natural_key) == ["组1", "组2", "组10"]
