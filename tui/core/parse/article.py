"""Articles: the cleaned body plus the metadata a reader wants (source, date, editor, tags)."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from tui.core.models import Article, Block, BlockType, Document, LeadImage
from tui.core.parse.cleaner import clean, renumber
from tui.core.parse.markdown import to_soup
from tui.core.text import one_line
from tui.core.urls import PageRef
from tui.i18n import _

__all__ = ["parse_article", "parse_document"]

# 【大纪元2022年10月25日讯】, 【新唐人北京时间2022年07月03日讯】, 【希望之声2019年9月24日】,
# and in Chinese numerals, 【明慧网二零二零年二月十日】
# （看中国2022年10月25日讯）, 【新唐人美国东部时间2022年10月25日讯】, 二○二二年 (○ for 〇), 廿五日
_CN_DIGITS = "〇○零一二三四五六七八九"
_CN_VALUE = {"〇": 0, "○": 0, "零": 0} | {c: i for i, c in enumerate("一二三四五六七八九", 1)}
_CN_DAY = "一二三四五六七八九十廿卅"
_ZONES = (
    "北京|台北|香港|美东|美東|美西|美国东部|美國東部|美国西部|美國西部|日本|东京|東京|澳洲|悉尼"
    "|雪梨|多伦多|多倫多|温哥华|溫哥華|纽约|紐約|洛杉矶|洛杉磯|旧金山|舊金山|华盛顿|華盛頓|欧洲|歐洲"
    "|英国|英國|伦敦|倫敦|德国|德國|法国|法國|韩国|韓國|首尔|首爾|加拿大|台湾|台灣|大陆|大陸"
)
_DATELINE = re.compile(
    rf"(?:(?P<b>【)|[（(])\s*(?P<src>[^【】（）()\d\s{_CN_DIGITS}十]{{1,12}}?)\s*"
    rf"(?:(?:{_ZONES})(?:时间|時間))?\s*"
    rf"(?P<y>\d{{4}}|[{_CN_DIGITS}]{{4}})\s*年\s*(?P<m>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月"
    rf"\s*(?P<d>\d{{1,2}}|[{_CN_DAY}]{{1,3}})\s*日"
    r"(?(b)|\s*(?:讯|訊|电|電))"  # in round brackets, only a dateline's 讯 makes it one
)
# Dated paths of the original sites: /gb/22/10/25/n13852629.htm, /gb/2022/10/25/a1.html,
# /news/gb/2022/10/26/1020087.html, /mh/articles/2020/2/10/…; RFA's numbers are no dates.
_URL_DATE = re.compile(
    r"^/(?:news/)?(?:gb|b5)/(?P<y>\d{2}|\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"
    r"|^/mh/articles/(?P<y2>\d{4})/(?P<m2>\d{1,2})/(?P<d2>\d{1,2})/"
)
_DATED_HOSTS = ("epochtimes.com", "ntdtv.com", "soundofhope.org", "secretchina.com", "minghui.org")
# 责任编辑：李穹#, 责编: 胡力汉, 责任编辑:傅龙山来源:看中国 (the credit glued on by the line join),
# 记者：某 责编：某 网编：某 (RFA: the next credit is no part of the name), 责任编辑：王明（完）
_NAME_CHAR = r"(?:(?!来源|來源)[^#＃◇◆★~～。（(）)\]】/／\s:：])"
_EDITOR = re.compile(
    r"(?:责任编辑|責任編輯|责编|責編)\s*[：:]\s*"
    rf"({_NAME_CHAR}+(?:[ ·](?![^\s：:]*[：:]){_NAME_CHAR}+)*)"
)
# Where an editor's credit may begin: the line's start, a space, a bracket or a separator
# (not inside a sentence: 我的责编：老张).
_EDITOR_BEFORE = frozenset(" \t\n\u3000\u00a0（(【[/／|｜。！？.!?；;，,")
_QUOTES_OPEN, _QUOTES_CLOSE = "“「『", "”」』"
# The other credits of a byline line, and its end marks: what may stand beside the editor
# on a line that is metadata only.
_CREDITS = re.compile(
    r"(?:记者|記者|网编|網編|编辑|編輯|撰稿|作者|翻译|翻譯|编译|編譯|校对|校對|审校|審校"
    r"|摄影|攝影|制作|製作|整理|采访|採訪|来源|來源)\s*[：:][^\s/／|｜（）()【】]*"
    r"|(?:记者|記者)[^\s/／|｜（）()【】：:]{1,20}?(?:综合|綜合)?(?:报导|报道|報導|報道)"
    r"|[（(]\s*完\s*[）)]"
)
# The appeals that follow an editor's byline: follow, subscribe, donate, share, reprint.
_END_MATTER = re.compile(
    r"请关注|請關注|关注我们|關注我們|欢迎|歡迎|订阅|訂閱|捐款|赞助|贊助|支持我们|支持我們"
    r"|点击|點擊|转载|轉載|分享|扫码|掃碼|下载|下載|版权|版權"
)
# What is left of an editor's line once the name is taken: brackets, end marks, separators.
_EDITOR_REST = re.compile(r"^[\s()（）\[\]【】#＃◇◆★~～/／|｜·•.。,，、]*$")
# Appeals and promotion lines that close N pages (subscribe, Shen Yun, series, new book),
# matched on the text folded to simplified characters (歡迎訂閱 reads as 欢迎订阅): those
# that open the block, those found anywhere in it, and the channel labels (脸书：, 干净世界),
# promotion only with the link they announce (脸书：今天宣布… is a sentence).
_FOLD_FROM = "歡訂閱頻組觀韻賞點擊這裡書乾淨臉關們頁請來網編輯讀閲"
_FOLD = str.maketrans(_FOLD_FROM, "欢订阅频组观韵赏点击这里书干净脸关们页请来网编辑读阅")
_PROMO_START = re.compile(
    r"\s*[▶►▷]?\s*(?:"
    r"(?:欢迎您?|请|敬请)?\s*(?:点击)?\s*(?:订阅|关注|加入)\s*(?:我们的)?\s*[^\s：:]{0,8}?\s*"
    r"(?:(?i:youtube|telegram)|油管)\s*(?:频道|群组|群)?\s*(?:[：:]|(?=https?://)|\Z)"
    r"|[（(]?\s*点阅.{0,40}(?:新书|征文)"
    r")"
)
_PROMO = re.compile(
    r"欢迎您?(?:现场)?观看神韵演出|欢迎欣赏更多\s*神韵作品|神韵晚会，每年一套全新节目"
    r"|请关注我们\s*Facebook\s*主页|点击这里查看.{0,40}系列文章"
)
_PROMO_HEAD = re.compile(
    r"\s*(?:新唐人|大纪元|希望之声|看中国|NTD)?\s*(?:干净世界|IG|脸书|推特|X\s*[（(]推特[）)]|Instagram|Facebook"
    r"|Telegram\s*(?:群组|频道)?|(?i:youtube)\s*频道)\s*(?:[：:]\s*|\s+(?=https?://)|\Z)"
)
_PROMO_MAX = 200
_PROMO_HINTS = re.compile("订阅|訂閱|：|:|神韵|神韻|关注|關注|点阅|點閱|点击|點擊|https?://")
_TRADITIONAL = re.compile("[" + "".join(_FOLD_FROM) + "]")
_BARE_URL = re.compile(r"\s*(?:https?://|www\.)\S+\s*\Z")
# What _promo says of a block: no promotion; a promotion line (the bare URL line after it
# goes too); a channel label that is one only when a bare URL line follows it.
_NO, _PROMO_LINE, _LABEL = 0, 1, 2
_CREDIT_TAIL = re.compile(
    r"(?:来源|來源)\s*[:：].*$", re.S
)  # a promotion line is short; a paragraph that quotes one is not dropped
# Alt texts that name no article: a URL, a file name, a generic word (图片, image).
_NO_TITLE_ALT = re.compile(
    r"\s*(?:(?:https?:)?//|www\."
    r"|\S*\.(?i:jpe?g|png|gif|webp|bmp|svg|avif)\s*\Z"
    r"|(?i:图片?|圖片?|照片|配图|配圖|插图|插圖|示意图|示意圖|image|img|photo|picture|pic)"
    r"\s*[\d_-]*\s*\Z)"
)
_SOURCES_BY_HOST = (
    ("epochtimes.com", "大纪元"),
    ("ntdtv.com", "新唐人"),
    ("soundofhope.org", "希望之声"),
    ("secretchina.com", "看中国"),
    ("rfa.org", "自由亚洲电台"),
    ("voachinese.com", "美国之音"),
    ("minghui.org", "明慧网"),
)
_SOURCES_BY_FAMILY = {"E": "大纪元", "N": "新唐人", "H": "希望之声", "S": "看中国"}


def _promo(block: Block, text: str | None = None) -> int:
    """Whether ``block`` (of text ``text``) is a promotion line (_NO, _PROMO_LINE, _LABEL)."""
    if text is None:
        text = block.text
    # a cheap look for the letters every promotion pattern needs, before the regexes (and
    # before the fold: str.translate costs more than all the rest)
    if len(text) > _PROMO_MAX or _PROMO_HINTS.search(text) is None:
        return _NO
    if _TRADITIONAL.search(text) is not None:
        text = text.translate(_FOLD)
    if _PROMO_START.match(text) is not None or _PROMO.search(text) is not None:
        return _PROMO_LINE
    m = _PROMO_HEAD.match(text)
    if m is None:
        return _NO
    rest = text[m.end() :].strip()
    if not rest:
        return _LABEL
    if rest.startswith(("http://", "https://")):
        return _PROMO_LINE
    # 脸书：<a>某台主页</a>: the label and a link, nothing else
    linked = "".join([sp.text for sp in block.spans if sp.link is not None]).strip()
    return _PROMO_LINE if linked and rest == linked.translate(_FOLD) else _NO


def _drop_promo(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    append = out.append
    hints = _PROMO_HINTS.search
    n = len(blocks)
    skip = -1
    for i, block in enumerate(blocks):
        if i == skip:
            continue
        text = block.text
        if len(text) > _PROMO_MAX or hints(text) is None:
            append(block)  # (most blocks: one look)
            continue
        kind = _promo(block, text)
        if kind != _NO:
            url_next = i + 1 < n and _BARE_URL.match(blocks[i + 1].text) is not None
            if kind == _PROMO_LINE or url_next:
                if url_next:
                    skip = i + 1  # the announced URL goes with its label
                continue
        append(block)
    return out


def _editor_match(text: str) -> re.Match[str] | None:
    """The editor's credit in ``text``, if one stands there as a credit, not in a sentence."""
    for m in _EDITOR.finditer(text):
        start = m.start()
        if start and text[start - 1] not in _EDITOR_BEFORE:
            continue
        head = text[:start]
        if sum(map(head.count, _QUOTES_OPEN)) > sum(map(head.count, _QUOTES_CLOSE)):
            continue  # quoted speech
        return m
    return None


def _is_credit_line(rest: str) -> bool:
    """Whether what is left of a short line beside the editor is credits and end marks."""
    return _EDITOR_REST.match(_CREDITS.sub("", _CREDIT_TAIL.sub("", rest))) is not None


def _is_end_matter(block: Block) -> bool:
    """Whether a block after the editor's byline is the edition's (credits, appeals, share)."""
    text = block.text
    if block.type is BlockType.IMAGE or not text.strip():
        return True
    if len(text) > 100:
        return False
    return _END_MATTER.search(text) is not None or _promo(block) != _NO or _is_credit_line(text)


def _take_editor(blocks: list[Block]) -> str | None:
    """The editor's name, from the last credit of one; a byline line leaves the body.

    An editor's byline near the end closes the article: what follows it (promotion, other
    credits, share lines) goes with it. One elsewhere is metadata, removed; a sentence that
    mentions an editor is body.
    """
    for i in range(len(blocks) - 1, -1, -1):
        text = blocks[i].text
        if "编" not in text and "編" not in text:
            continue
        m = _editor_match(text)
        if m is None:
            continue
        editor = m.group(1).strip()
        if len(text) <= 80:
            rest = text[: m.start()] + text[m.end() :]
            byline = _is_credit_line(rest)
            if all(_is_end_matter(b) for b in blocks[i + 1 :]):
                del blocks[i + 1 :]
            if byline:
                del blocks[i]  # the editor is shown in the metadata, not twice
        return editor
    return None


def _number(text: str) -> int:
    """A date part in Arabic or Chinese numerals (二零二零 digit by digit, 二十五 by tens)."""
    if text.isdigit():
        return int(text)
    if text[0] in "廿卅":  # 廿五: twenty-five, 卅: thirty
        return (20 if text[0] == "廿" else 30) + (_CN_VALUE[text[1:]] if text[1:] else 0)
    if "十" not in text:
        return int("".join(str(_CN_VALUE[c]) for c in text))
    tens, _ten, units = text.partition("十")
    return (_CN_VALUE[tens] if tens else 1) * 10 + (_CN_VALUE[units] if units else 0)


def _make_date(y: str, m: str, d: str) -> date | None:
    try:
        year = _number(y)
        return date(year + 2000 if year < 100 else year, _number(m), _number(d))
    except (ValueError, KeyError):  # 十十, 〇〇 months: not a date
        return None


def _date_from_url(url: str | None) -> date | None:
    """The publication date an original-site URL carries in its path, if it carries one."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not any(host == h or host.endswith("." + h) for h in _DATED_HOSTS):
        return None
    m = _URL_DATE.match(parts.path)
    if m is None:
        return None
    if m.group("y") is not None:
        return _make_date(m.group("y"), m.group("m"), m.group("d"))
    return _make_date(m.group("y2"), m.group("m2"), m.group("d2"))


def _source_from_host(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    for suffix, name in _SOURCES_BY_HOST:
        if host == suffix or host.endswith("." + suffix):
            return name
    return None


def parse_article(ref: PageRef, text: str, home: PageRef | None) -> Article:
    soup = to_soup(text)
    res = clean(soup, ref, home, article=True)
    warnings = list(res.warnings)
    title = res.title
    blocks = res.blocks
    lead: LeadImage | None = None
    lead_spans = None
    if blocks and blocks[0].type is BlockType.IMAGE and blocks[0].src:
        first = blocks.pop(0)
        lead = LeadImage(first.src or "", first.text.strip(), res.alts.get(id(first), ""))
        lead_spans = first.spans
    if not title:
        # A body-only page (no "###" line): its <h1>, else the lead image's alt text,
        # names it better than the file name does.
        h1 = next((i for i, b in enumerate(blocks) if b.type is BlockType.HEADING), None)
        if h1 is not None and blocks[h1].level == 1 and blocks[h1].text.strip():
            title = one_line(blocks.pop(h1).text.strip())
        elif lead is not None and lead.alt and not _NO_TITLE_ALT.match(lead.alt):
            title = one_line(lead.alt)
        else:
            warnings.append(_("no title heading; using the file name"))
            title = one_line(ref.name.removesuffix(".md"))
    if not any(b.type is not BlockType.IMAGE for b in blocks):
        warnings.append(_("no body text found"))
    published = None
    source = None
    for block in blocks[:6]:
        m = _DATELINE.search(block.text)
        if m:
            source = m.group("src")
            published = _make_date(m.group("y"), m.group("m"), m.group("d"))
            if published is None:
                warnings.append(_("dateline with an impossible date"))
            break
    if published is None:
        published = _date_from_url(res.original_url)
    if source is None:
        source = _source_from_host(res.original_url)
    if source is None and res.category is not None:
        letter = res.category.ref.name[:1]
        source = _SOURCES_BY_FAMILY.get(letter)
    editor = _take_editor(blocks)
    blocks[:] = _drop_promo(blocks)
    uncaptioned = (lead.src, lead.alt) if lead is not None and not lead.caption else None
    links, tags = renumber(blocks, res.links, lead_spans, res.alts, uncaptioned)
    return Article(
        ref=ref,
        title=title,
        source=source,
        published=published,
        category=res.category,
        lead_image=lead,
        blocks=blocks,
        tags=tags,
        links=links,
        original_url=res.original_url,
        editor=editor,
        warnings=warnings,
    )


def parse_document(ref: PageRef, text: str, home: PageRef | None) -> Document:
    soup = to_soup(text)
    res = clean(soup, ref, home, article=False)
    links, _tags = renumber(res.blocks, res.links, None, res.alts)
    warnings = list(res.warnings)
    if not res.blocks and not res.title:
        warnings.append(_("empty page"))
    return Document(ref=ref, title=res.title, blocks=res.blocks, links=links, warnings=warnings)
