"""A synthetic goodnews mirror at the real mirror's scale, for benchmarks (issue 8).

The real mirror holds about 15,000 articles; the corpus holds 94 and the bundled sample 30,
too few to show what a list, a library or a cache costs at full size. This module writes a
raw-layout tree ``<root>/begood0513/goodnews/master/...`` (the default mirror's names, so
``Options(mirror="http://127.0.0.1:PORT")`` finds its home page) in the formats of the
bundled sample (``tui/sample/``): a home README whose ``####`` sections link the category
indexes, indexes of ``#### [title](../pages/<dir>/<id>.md?t=…)`` lines newest first, and
article pages in the four source families' templates (epochtimes ``<ok href>`` tags, ntdtv
``.htm`` tags, soundofhope and secretchina ``<span href>`` tags, their datelines, nav lines,
promo blocks, ads, share block, original URL and tracker pixel). All text is invented.

Shape (the issue's benchmark section): 30 indexes of 500 articles and one index of all
15,000; three tags carried by 5,000 articles each, every other tag drawn Zipf-like from a
vocabulary of a few thousand; dates spread over nine years. Everything comes from one seed
and a per-article generator, so the same article is the same text in every run and
``extra_articles`` can invent new articles (for prefetch runs) without touching the rest.

    plan = make_plan()                   # deterministic, no I/O
    write_tree(plan, root)               # a few seconds for 15,000 pages
    article_text(plan.articles[0]), index_text(...), home_text(plan)
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

OWNER, REPO, REF = "begood0513", "goodnews", "master"
SEED = 20240401
ARTICLES = 15_000
SMALL_INDEXES = 30
BIG_TAG_ARTICLES = 5_000
BIG_TAGS = ("云溪新闻", "城乡建设", "民生观察")  # carried by BIG_TAG_ARTICLES articles each
VOCABULARY = 3_000  # Zipf-distributed tags besides the big ones
ZIPF_S = 1.0
ZIPF_OFFSET = 10  # Zipf-Mandelbrot: the commonest small tag stays near 1,000 articles
FIRST_DAY = date(2016, 1, 1)
DAYS = 9 * 365
BIG_INDEX_PATH = "indexes/全部文章.md"
BIG_INDEX_TITLE = "全部文章"
EXTRA_BASE = 500_000  # numbers of articles invented by ``extra_articles`` start here
VERSION = 1  # bump when the output changes, so kept trees are regenerated

# -- families and categories --------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    letter: str
    section: str  # the home page's section heading
    source: str  # the dateline's source name
    host: str

    def directory(self, k: int) -> str:
        return {
            "E": f"pages/nsc4{10 + k:02d}",
            "N": f"pages/prog{200 + k}",
            "H": f"pages/soh_c{k:02d}",
            "S": f"pages/p{k + 1}",
        }[self.letter]

    def file_name(self, number: int) -> str:
        return {
            "E": f"n{14_000_000 + number}.md",
            "N": f"a{104_000_000 + number}.md",
            "H": f"n{4_000_000 + number}.md",
            "S": f"{2_000_000 + number}.md",
        }[self.letter]


FAMILIES = (
    Family("E", "大纪元新闻网", "大纪元", "www.epochtimes.com"),
    Family("N", "新唐人电视台", "新唐人", "www.ntdtv.com"),
    Family("H", "希望之声SOH", "希望之声", "www.soundofhope.org"),
    Family("S", "看中国新闻网", "看中国", "www.secretchina.com"),
)
CATEGORIES = {
    "E": ("头条", "大陆", "国际", "财经", "科技", "文化", "健康", "评论"),
    "N": ("大陆新闻", "国际新闻", "港澳台", "财经新闻", "文史漫步", "体育", "娱乐", "生活"),
    "H": ("焦点追踪", "港台要闻", "国际风云", "社会百态", "健康生活", "文化长廊", "史海钩沉"),
    "S": ("看大陆", "看史海", "看官场", "看国际", "看社会", "看财经", "看健康"),
}


@dataclass(frozen=True)
class IndexSpec:
    path: str  # in the repository, e.g. "indexes/E头条.md"
    title: str
    family: Family | None
    directory: str  # where its articles live ("" for the big index)


@dataclass(frozen=True)
class ArticleSpec:
    number: int
    path: str
    title: str
    published: date
    index: IndexSpec
    tags: tuple[str, ...]  # in the order they appear in the body, no duplicates

    @property
    def family(self) -> Family:
        assert self.index.family is not None
        return self.index.family


@dataclass(frozen=True)
class Plan:
    seed: int
    articles: tuple[ArticleSpec, ...]
    indexes: tuple[IndexSpec, ...]  # the small ones, in home-page order
    big_index: IndexSpec
    big_tags: tuple[str, ...]
    vocabulary: tuple[str, ...]

    def members(self, index: IndexSpec) -> list[ArticleSpec]:
        """The index's articles, newest first (the big index lists every article)."""
        chosen = [a for a in self.articles if index is self.big_index or a.index == index]
        return sorted(chosen, key=lambda a: (a.published, a.number), reverse=True)

    @property
    def fingerprint(self) -> str:
        return f"synth v{VERSION} seed {self.seed} articles {len(self.articles)}"


# -- words --------------------------------------------------------------------------------
# Invented syllables and phrases: enough variety that titles, tags and paragraphs differ.

_PLACES = [
    "云溪",
    "青岚",
    "白鹭",
    "松川",
    "临江",
    "枫桥",
    "石湾",
    "南屏",
    "北渡",
    "东篱",
    "西岭",
    "霞浦",
    "兰亭",
    "沧浪",
    "望海",
    "清源",
]
_THINGS = [
    "图书馆",
    "菜市场",
    "公交线",
    "老街",
    "茶园",
    "渡口",
    "学校",
    "医院",
    "公园",
    "水库",
    "铁路",
    "码头",
    "电梯",
    "夜市",
    "古桥",
    "社区",
    "博物馆",
    "剧院",
    "农场",
    "工厂",
    "港口",
    "书店",
    "集市",
    "山路",
]
_ACTIONS = [
    "开放",
    "改造",
    "检修",
    "扩建",
    "调整",
    "试行",
    "完工",
    "启用",
    "搬迁",
    "评选",
    "整治",
    "升级",
    "恢复",
    "关闭",
    "招标",
    "展出",
]
_PEOPLE = [
    "市民",
    "居民",
    "游客",
    "学生",
    "老人",
    "商户",
    "司机",
    "农户",
    "教师",
    "志愿者",
    "记者",
    "工程师",
]
_CLAUSES = (
    "据当地有关部门介绍", "多位受访者表示", "记者在现场看到", "相关负责人称",
    "从公开资料来看", "不少网民留言说", "业内人士分析认为", "按照原定计划",
    "与去年同期相比", "在接受采访时", "根据最新公布的数据", "有居民反映",
)  # fmt: skip
_ENDS = (
    "情况比预想的要好", "后续安排将另行公布", "具体细节仍在商讨之中", "受到了普遍欢迎",
    "还需要更多时间观察", "引起了不少讨论", "将在下个月正式实施", "目前进展顺利",
)  # fmt: skip
_TAG_HEADS = [
    "云",
    "青",
    "白",
    "松",
    "临",
    "枫",
    "石",
    "南",
    "北",
    "东",
    "西",
    "霞",
    "兰",
    "沧",
    "望",
    "清",
    "金",
    "银",
    "铜",
    "铁",
    "春",
    "夏",
    "秋",
    "冬",
]
_TAG_TAILS = [
    "山",
    "水",
    "城",
    "港",
    "桥",
    "湖",
    "村",
    "镇",
    "街",
    "园",
    "河",
    "岛",
    "关",
    "岭",
    "湾",
    "林",
    "原",
    "川",
    "谷",
    "台",
    "州",
    "府",
    "坊",
    "寨",
    "堡",
    "塘",
    "溪",
    "泉",
    "洲",
    "峰",
]
_TAG_KINDS = [
    "交通",
    "教育",
    "医疗",
    "住房",
    "环保",
    "文化",
    "旅游",
    "农业",
    "科技",
    "体育",
    "就业",
    "养老",
    "治安",
    "水利",
    "能源",
    "商贸",
]


def _vocabulary(n: int) -> tuple[str, ...]:
    """``n`` distinct invented tag names (place + topic), never one of the big tags."""
    names = (h + t + k for k, h, t in itertools.product(_TAG_KINDS, _TAG_HEADS, _TAG_TAILS))
    out = [name for name in itertools.islice(names, n + len(BIG_TAGS)) if name not in BIG_TAGS]
    random.Random(SEED).shuffle(out)  # rank in the Zipf law has nothing to do with spelling
    return tuple(out[:n])


def _title(rng: random.Random, number: int) -> str:
    place, thing, action = rng.choice(_PLACES), rng.choice(_THINGS), rng.choice(_ACTIONS)
    people = rng.choice(_PEOPLE)
    shapes = (
        f"{place}{thing}{action} {people}称{rng.choice(_ENDS)}",
        f"{place}第{number % 97 + 1}处{thing}今起{action}",
        f"{thing}{action}一周年 {place}{people}怎么看",
        f"{place}{thing}{action}方案公布 涉及{rng.randint(2, 90)}个{rng.choice(_THINGS)}",
    )
    return rng.choice(shapes)


def _sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(_CLAUSES)}，{rng.choice(_PLACES)}的{rng.choice(_THINGS)}"
        f"{rng.choice(_ACTIONS)}以后，{rng.choice(_PEOPLE)}{rng.choice(_ENDS)}。"
    )


def _paragraph(rng: random.Random) -> str:
    return "".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


# -- the plan -----------------------------------------------------------------------------


def _indexes() -> tuple[IndexSpec, ...]:
    out = []
    for family in FAMILIES:
        for k, name in enumerate(CATEGORIES[family.letter]):
            out.append(
                IndexSpec(f"indexes/{family.letter}{name}.md", name, family, family.directory(k))
            )
    assert len(out) == SMALL_INDEXES, len(out)
    return tuple(out)


class _Zipf:
    def __init__(self, vocabulary: tuple[str, ...]) -> None:
        self.names = vocabulary
        weights = [1.0 / (rank + 1 + ZIPF_OFFSET) ** ZIPF_S for rank in range(len(vocabulary))]
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> str:
        x = rng.random() * self.cumulative[-1]
        return self.names[bisect.bisect_left(self.cumulative, x)]


def _article(
    number: int,
    index: IndexSpec,
    big: tuple[str, ...],
    zipf: _Zipf,
    seed: int,
) -> ArticleSpec:
    rng = random.Random(seed * 1_000_003 + number)
    tags: list[str] = list(big)
    for _ in range(rng.randint(2, 6)):
        name = zipf.draw(rng)
        if name not in tags:
            tags.append(name)
    rng.shuffle(tags)
    assert index.family is not None
    return ArticleSpec(
        number=number,
        path=f"{index.directory}/{index.family.file_name(number)}",
        title=_title(rng, number),
        published=FIRST_DAY + timedelta(days=rng.randrange(DAYS)),
        index=index,
        tags=tuple(tags),
    )


def make_plan(seed: int = SEED, articles: int = ARTICLES) -> Plan:
    """Every page's identity, title, date and tags; no text yet, no I/O (well under 1 s)."""
    indexes = _indexes()
    vocabulary = _vocabulary(VOCABULARY)
    zipf = _Zipf(vocabulary)
    rng = random.Random(seed)
    share = min(BIG_TAG_ARTICLES, articles)
    carriers = [set(rng.sample(range(articles), share)) for _ in BIG_TAGS]
    specs = tuple(
        _article(
            n,
            indexes[n % len(indexes)],
            tuple(tag for tag, who in zip(BIG_TAGS, carriers, strict=True) if n in who),
            zipf,
            seed,
        )
        for n in range(articles)
    )
    big = IndexSpec(BIG_INDEX_PATH, BIG_INDEX_TITLE, None, "")
    return Plan(seed, specs, indexes, big, BIG_TAGS, vocabulary)


def extra_articles(plan: Plan, index: IndexSpec, generation: int, count: int) -> list[ArticleSpec]:
    """``count`` new articles of ``index`` (numbers no other call or the plan uses).

    Prefetch is measured on articles that are in neither the cache nor the library, as
    when the mirror has published new ones: each generation invents a fresh set, tagged
    like the rest (each big tag on a third of them).
    """
    zipf = _Zipf(plan.vocabulary)
    rng = random.Random(plan.seed + generation)
    start = EXTRA_BASE + generation * 10_000
    out = []
    for n in range(start, start + count):
        big = tuple(tag for tag in plan.big_tags if rng.random() < 1 / 3)
        out.append(_article(n, index, big, zipf, plan.seed))
    return out


# -- page text ----------------------------------------------------------------------------


def _nav(spec: ArticleSpec, query: str) -> str:
    index = spec.index
    return (
        f"#### [首页](../../README.md{query})  &nbsp;&nbsp;|&nbsp;&nbsp; "
        f"[{index.title}](../../{quote(index.path)}{query})   &nbsp;&nbsp;|&nbsp;&nbsp; "
        f"[法轮功真相](../../../../../basic/blob/master/README.md{query}) &nbsp;&nbsp;|&nbsp;&nbsp; "
        f"[翻墙教程](https://github.com/sample-guides/guides/blob/master/README.md{query})"
    )


def _promo(query: str, ip: str) -> str:
    lines = [
        f"#### [ 💌 给远方朋友的一封信：关于选择，也关于未来](https://github.com/{OWNER}/{REPO}/blob/master/quit/letter.md{query}) ",
        f"#### [ 🎬 《茶山十年》- 云溪茶农纪实](http://{ip}:10000/videos/tea/index.html{query})&nbsp; | &nbsp;[《江灯》- 一座渡口的往事](http://{ip}:10000/videos/lamp/index.html{query})",
        f"#### [ 🔥  电子书下载（地方志、游记、诗词、科普读物 ...）](https://github.com/sample-books/shelf/blob/master/README.md{query})",
        f"#### [ 🎬  必看视频合集（热门频道、网站代理、风物纪录、历史讲座 ...）](http://{ip}:81/youtube.html{query})",
    ]
    return "\n\n".join(lines)


def _tag(family: Family, name: str) -> str:
    if family.letter == "E":
        href = f"https://{family.host}/gb/tag/{quote(name)}.html"
        return f'<ok href="{href}">\n  {name}\n </ok>'
    if family.letter == "N":
        return f'<ok href="https://{family.host}/gb/{name}.htm">\n  {name}\n </ok>'
    if family.letter == "H":
        return f'<span href="https://{family.host}/gb/tag/{name}">\n  {name}\n </span>'
    return f'<span href="https://{family.host}/news/gb/tag/{name}" target="_blank">\n  {name}\n </span>'


def _dateline(spec: ArticleSpec) -> str:
    d = spec.published
    if spec.family.letter == "N":
        return f"【新唐人北京时间{d.year}年{d.month:02d}月{d.day:02d}日讯】"
    if spec.family.letter == "H":
        return f"【希望之声{d.year}年{d.month}月{d.day}日】"
    return f"【{spec.family.source}{d.year}年{d.month:02d}月{d.day:02d}日讯】"


def _original_url(spec: ArticleSpec) -> str:
    d, name = spec.published, spec.path.rsplit("/", 1)[1].removesuffix(".md")
    host = spec.family.host
    if spec.family.letter == "E":
        return f"https://{host}/gb/{d.year % 100}/{d.month}/{d.day}/{name}.htm"
    if spec.family.letter == "S":
        return f"https://{host}/news/gb/{d.year}/{d.month:02d}/{d.day:02d}/{name}.html"
    return f"https://{host}/gb/{d.year}/{d.month:02d}/{d.day:02d}/{name}.html"


def _lead(spec: ArticleSpec, rng: random.Random) -> str:
    src = f"https://img.example.invalid/{spec.family.letter}/{spec.number}-600x400.jpg"
    caption = f"{spec.published.month}月{spec.published.day}日，{_sentence(rng)}（示意图）"
    if spec.family.letter == "N":
        return (
            f'<div><div class="featured_image">\n <figure>\n  <img alt="{spec.title}" src="{src}"/>\n'
            f' </figure><br/>\n <span class="caption">\n  {caption}\n </span>\n</div>\n</div><hr/>'
        )
    return (
        f'<div><img alt="{spec.title}" class="wp-post-image" src="{src}"/>\n'
        f'<div class="caption">\n {caption}\n</div></div><hr/>'
    )


def article_text(spec: ArticleSpec) -> str:
    """The page as the mirror would serve it (about 6-9 KB of UTF-8, like real articles)."""
    rng = random.Random(spec.number * 7_919 + 17)
    family = spec.family
    query = "?" + spec.path.rsplit("/", 1)[1].removesuffix(".md")
    ip = f"198.51.100.{spec.number % 200 + 1}"
    paragraphs = [_paragraph(rng) for _ in range(rng.randint(8, 15))]
    # Tags sit inside the first paragraphs, in order, each after a clause, as the sites
    # place them.
    carriers = min(4, len(paragraphs))
    per = -(-len(spec.tags) // carriers) if spec.tags else 0
    body: list[str] = []
    for i, text in enumerate(paragraphs):
        head = _dateline(spec) if i == 0 else ""
        mine = spec.tags[i * per : (i + 1) * per] if i < carriers else ()
        inline = "".join(f"\n {_tag(family, name)}\n " for name in mine)
        half = len(text) // 2
        body.append(f" <p>\n  {head}{text[:half]}{inline}{text[half:]}\n </p>")
        if i == 2:
            body.append(' <div><center><div id="div-gpt-ad-1589559869784-0"></div></center></div>')
        if i == 3:
            body.append(f" <h4>\n  {rng.choice(_PLACES)}{rng.choice(_THINGS)}的下一步\n </h4>")
    body.append(f" <p>\n  责任编辑：{rng.choice(_PLACES)}{rng.choice(_PLACES)}\n </p>")
    blob = f"https://github.com/{OWNER}/{REPO}/blob/master/{spec.path}"
    return "\n".join(
        [
            f"### {spec.title}",
            "------------------------",
            "",
            _nav(spec, query),
            "",
            "",
            "",
            _lead(spec, rng),
            "",
            _promo(query, ip),
            "",
            '<div><div class="post_content">',
            *body,
            "</div>",
            "</div>",
            "<hr/>",
            "手机上长按并复制下列链接或二维码分享本文章：<br/>",
            f"{blob} <br/>",
            f"<a href='{blob}'><img src='https://cdn.jsdelivr.net/gh/{OWNER}/{REPO}/{spec.path}.png'/></a> <br/>",
            f"原文地址（需翻墙访问）：{_original_url(spec)}",
            "",
            "",
            "------------------------",
            _nav(spec, query),
            "",
            "",
            f"<img src='http://tracker.invalid/{REPO}/{spec.path}' width='0px' height='0px'/>",
        ]
    )


def index_text(articles: list[ArticleSpec], stamp: str = "03161200") -> str:
    """An index page: the nav line, then one ``####`` entry per article in the given order."""
    lines = [
        f"####  [法轮功真相](../../../../basic/blob/master/README.md?t={stamp}) &nbsp;|&nbsp; "
        f"[资料导读](../../../../basic/blob/master/pages/intro.md?t={stamp}) ",
        "",
    ]
    for a in articles:
        target = "../" + quote(a.path)
        lines.append(f"#### [{a.title}]({target}?t={stamp}) \n")
    lines.append(f"<img src='http://tracker.invalid/{REPO}/index' width='0px' height='0px'/>")
    return "\n".join(lines)


def home_text(plan: Plan, stamp: str = "05211602") -> str:
    """The home README: a featured section with the big index, then one section per family."""

    def link(index: IndexSpec) -> str:
        return f"[{index.title}]({quote(index.path)}?t={stamp})"

    sep = " &nbsp;|&nbsp; "
    parts = [f"#### 编辑推荐文章  &nbsp;-&nbsp; {link(plan.big_index)} ", ""]
    for family in FAMILIES:
        mine = [i for i in plan.indexes if i.family == family]
        parts += [f"#### {family.section} &nbsp;-&nbsp; {sep.join(map(link, mine))} ", ""]
    parts += [
        "##### 这是基准测试生成的合成镜像：所有新闻均为虚构。",
        "",
        "#####联系邮箱：bench@example.invalid",
    ]
    return "\n".join(parts)


# -- writing ------------------------------------------------------------------------------


def repo_dir(root: Path) -> Path:
    return root / OWNER / REPO / REF


def write_tree(plan: Plan, root: Path) -> int:
    """Write the whole mirror under ``root`` (raw layout); returns the bytes written."""
    base = repo_dir(root)
    (base / "indexes").mkdir(parents=True, exist_ok=True)
    written = 0

    def put(path: str, text: str) -> None:
        nonlocal written
        data = text.encode("utf-8")
        target = base / path
        target.write_bytes(data)
        written += len(data)

    put("README.md", home_text(plan))
    for index in (*plan.indexes, plan.big_index):
        put(index.path, index_text(plan.members(index)))
    for directory in {a.index.directory for a in plan.articles}:
        (base / directory).mkdir(parents=True, exist_ok=True)
    for article in plan.articles:
        put(article.path, article_text(article))
    return written
