"""Fixed facts and word lists for the Liangquan demo: real division codes, branch names, names.

The twelve division rows are copied from the national table (``wangjiang-divisions.csv``)
so that ``wangge demo`` needs no file outside the package.
"""

from decimal import Decimal

COUNTY = ("340827", "望江县")
TOWNSHIP = ("340827200", "凉泉乡")
TOWNSHIP_AREA_KM2 = Decimal("138.52")  # the report's figure for Liangquan

# code, official name, short name used in addresses and organisation names, hamlets,
# village Party members, sub-branches (0 = a plain branch; n = a general branch over n branches)
VILLAGES = [
    ("340827200001", "凉泉社区居委会", "凉泉社区", 12, 178, 3),
    ("340827200002", "泊湖社区居委会", "泊湖社区", 10, 97, 0),
    ("340827200200", "湖滨村委会", "湖滨村", 22, 210, 3),
    ("340827200201", "太华村委会", "太华村", 18, 163, 0),
    ("340827200202", "横山村委会", "横山村", 17, 153, 0),
    ("340827200203", "凤林村委会", "凤林村", 16, 142, 0),
    ("340827200204", "团山村委会", "团山村", 18, 158, 0),
    ("340827200205", "韩店村委会", "韩店村", 17, 152, 0),
    ("340827200206", "壬辰占村委会", "壬辰占村", 17, 147, 0),
    ("340827200207", "河南村委会", "河南村", 20, 178, 2),
]
HUBIN = "340827200200"

# 泊湖社区 as the report tells it: its 97 Party members (none away: a community by the lake,
# not a village of migrant workers) serve 377 residents, the people of the households they
# visited or whose requests they handled. A small community: 105 key households (each member
# carries one, the three demo logins three) and 120 others, the rest moved to the villages.
BOHU = "340827200002"
BOHU_MEMBERS_SERVING = 97
BOHU_RESIDENTS_SERVED = 377
BOHU_HOUSEHOLDS = (105, 120)  # key households, other households

# Hamlets every run places first in a village (names the tests and the report use).
FIXED_HAMLETS = {
    "340827200002": ["徐滩"],  # 泊湖社区's 徐滩组 (the report's five-star member lives there)
    "340827200200": ["汪屋"],
    "340827200201": ["郭屋"],
    "340827200207": ["河南圩"],
    "340827200203": ["李屋"],
}

# Township-organ branches and their members (154 in all); retirees are all over 60.
ORGAN_BRANCHES = [
    ("乡党政办公室党支部", 18),
    ("乡财政所党支部", 7),
    ("乡中心学校党支部", 22),
    ("乡卫生院党支部", 12),
    ("凉泉派出所党支部", 5),
    ("乡司法所党支部", 4),
    ("乡农业综合服务中心党支部", 9),
    ("乡林业站党支部", 5),
    ("乡水利站党支部", 5),
    ("乡自然资源所党支部", 5),
    ("乡市场监管所党支部", 5),
    ("凉泉供电所党支部", 6),
    ("凉泉初级中学党支部", 14),
    ("乡敬老院党支部", 4),
    ("乡文化广播站党支部", 4),
    ("乡退休干部党支部", 20),
    ("乡乡村振兴工作站党支部", 6),
    ("乡社会事务办公室党支部", 3),
]
RETIREES_BRANCH = "乡退休干部党支部"

# The seed's headline figures at scale 1.
MEMBERS_OVER_60 = 610
MEMBERS_MOBILE = 190
HOUSEHOLDS = 10_500
HAMLETS_WITHOUT_COUNCIL = 10  # environment councils in 157 of 167 hamlets
GROUPS = 274  # villager groups: the governance layer's base grids

# Common surnames of Wangjiang, weighted roughly by frequency.
SURNAMES = (
    "汪" * 9
    + "郭" * 6
    + "李" * 7
    + "徐" * 5
    + "周" * 4
    + "龙" * 4
    + "高" * 4
    + "黄" * 5
    + "王" * 6
    + "张" * 5
    + "陈" * 5
    + "刘" * 4
    + "吴" * 3
    + "杨" * 3
    + "何" * 3
    + "朱" * 3
    + "胡" * 3
    + "程" * 3
    + "方" * 3
    + "檀" * 2
    + "江" * 2
    + "潘" * 2
    + "余" * 2
    + "叶" * 2
    + "曹" * 2
    + "储" * 2
    + "查" * 2
    + "章" * 2
    + "桂"
    + "倪"
    + "舒"
    + "石"
    + "孙"
    + "钱"
)
HAMLET_SURNAMES = "汪郭李徐周龙高黄王张陈刘吴杨何朱胡程方檀江潘余叶曹储查章桂倪舒石"
HAMLET_PLACE_PREFIXES = "河湖新老上下前后东西南北大小石松竹桥塘庙港沙杨柳枫"
HAMLET_SUFFIXES = "滩湾畈墩冲庄埂咀圩岭"

MALE_CHARS = "建国明华军平志文伟强林春勇海兵福贵德生金根发友祥忠庆松云龙春宏彬涛杰斌超磊俊峰"
FEMALE_CHARS = "秀英兰芳梅珍凤琴霞红玲丽娟桂花翠萍云燕芬莲香菊美静婷慧敏"

WHEREABOUTS = [
    "上海",
    "上海",
    "上海",
    "江苏苏州",
    "江苏苏州",
    "浙江杭州",
    "浙江杭州",
    "浙江宁波",
    "江苏南京",
    "安徽合肥",
    "安徽合肥",
    "广东深圳",
    "广东广州",
    "广东东莞",
    "浙江温州",
    "江苏无锡",
    "江苏常州",
    "安徽安庆",
    "湖北武汉",
    "北京",
]

# Mobile-phone prefixes are only for realism; validation never depends on the carrier.
MOBILE_PREFIXES = ["133", "135", "136", "138", "139", "150", "152", "158", "180", "189", "199"]
LANDLINE_AREA = "0556"  # Anqing

NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """Chinese numeral for 1–99 (第十二党小组)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else NUMERALS[tens - 1]
    return head + "十" + (NUMERALS[ones - 1] if ones else "")
