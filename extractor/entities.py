"""Named entities from gazetteers, suffix names and patterns (rules/entities/), offline.

Gazetteer names (with China's administrative divisions from divisions.tsv) are found with an
Aho-Corasick automaton on the normalized text. Suffix names (中原科技城, 郑州市科技创新委员会) are
found with a second automaton of suffix words and built on the spaCy tokens: the run of tokens
before the suffix, up to a stop word, a verb, a function word (jieba's dictionary tag: preposition,
conjunction, particle, adverb, pronoun, numeral, time word) or punctuation; a built name must hold a
proper part (a gazetteer name, a place or proper noun by jieba's dictionary, a word jieba does not
know, Latin letters), so 国家实验室 or 旅游度假区 name nothing. Patterns (《…》, titles around personal
names, congress sessions) are regular expressions with slots filled from the rule lists ({surname},
{title}, {foreign}, {follow}, {post_title}). Overlaps are settled once: the longest name wins, a
pattern beats a gazetteer name, which beats a built one of the same length. A personal name found
once marks its other occurrences in the document (何雄 after 市长何雄). Around the suffixes: a phase
after a facility is cut off (阜阳西站|改扩建工程), a town starts after its county (通山县|九宫山镇), a
county's short form counts right after its city (石家庄|正定), a prefecture's short form is
X州 (黔南州), a word between 在 and a verb of meeting is a place (在|博鳌|开幕), a name jieba knows
or does not know after a title is a person (董事长|曹德旺|捐资), and a built name never cuts
through a pattern's name. A direction after a river (黄河|上游), a line before its station
(渝昆高铁|重庆西站) and a company's full name end a facility's name; a body's numbered meeting
(中国科学院|第二十一次院士大会) is one EVENT; names listed after a titled name (航天员|陈冬、陈中瑞)
and unknown three-character names opening a sentence before 在 or 以 are persons.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Literal

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .automaton import Automaton
from .errors import RuleError
from .rules import SAFE_LOADER, bundled_rules_dir

Label = Literal["PERSON", "ORG", "GPE", "LOC", "FAC", "LAW", "EVENT", "NORP", "PRODUCT"]
LABEL_RANK = {"LAW": 0, "EVENT": 1, "FAC": 2, "ORG": 3, "GPE": 4, "LOC": 5, "PERSON": 6, "NORP": 7,
              "PRODUCT": 8, "NONE": 9}
NONE = "NONE"  # a blocker's label: the span holds no entity (中国式现代化) and is dropped at the end
# a short quoted slogan or label: names inside it are not annotated (“郑州担当”, ‘十大战略’)
QUOTE = regex.compile(r"“[^“”\n。；;]{1,40}”|‘[^‘’\n。；;]{1,40}’")

BYLINE_ROLES = {"通讯员", "实习生", "摄影", "记者", "编辑", "全媒记者", "本报记者"}
# 第136届|广交会, 2024|中关村论坛 (2024年|全国两会 is a date, not an edition)
EDITION = regex.compile(r"(?:第[0-9一二三四五六七八九十百]+[届次]|首届|(?<!\d)(?:19|20)\d\d)$")
# 中国科学院|第二十一次院士大会, 亚洲基础设施投资银行|第九届理事会年会: a body's numbered meeting
SESSION_START = regex.compile(r"第[0-9一二三四五六七八九十百]+[届次]")
# jieba dictionary tags that end a built name: prepositions, conjunctions, particles, adverbs,
# pronouns, numerals and measure words, time words, interjections, onomatopoeia
STOP_TAGS = frozenset({"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "d", "dg", "r", "rr", "rz",
                       "rg", "m", "mq", "q", "t", "tg", "y", "e", "o", "zg"})
COMMON_FREQ = 3000  # jieba's dictionary count above which a proper tag is not trusted
SHORT_RULE = "gpe.division.short"  # 敦煌 for 敦煌市: whole words only
AFTER_RULE = "gpe.division.after"  # 正定 for 正定县: only right after its city or province (石家庄正定)
# 在|博鳌|开幕: a place a meeting is held in or a visit made to, by the verb after it
VENUE_VERBS = ("举行", "开幕", "闭幕", "举办", "召开", "隆重开幕", "会见", "会晤", "调研", "考察", "视察")
VENUE_TAGS = frozenset({None, "ns", "nr", "nrt", "nz"})
LEAD_TAGS = frozenset({"p", "v", "c", "u", "uj", "r"})  # 以|元宇宙, 算|力: a cut word's first character
LEAD_CHARS = "经已获在从至往由向于自距赴"
GLUED_END = "在的和与对从向于把被将"
GLUED_TAGS = frozenset({"p", "c", "d", "u", "uj", "ul", "r"})
PROPER_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt", "j"})
# 三地, 两市, 九大, 首批: a numeral and a measure word are no part of a name
NUMERIC_PIECE = regex.compile(r"[一二两三四五六七八九十百千几多各每数首]"
                              r"[地市省区县国家个项座条批大类种次年些成倍届期]?")
PLACE_AFTER = regex.compile(r"[(（](\p{Han}{2,4})[)）]")
DASHES = regex.compile(r"[—-]{2,}")
LATIN = regex.compile(r"[A-Za-z]")
QUOTED = regex.compile(r"[\p{Han}A-Za-z\d·]{1,10}")  # “郑创汇”, “一带一路”, “十四五”
MEDIA_WORDS = ("日报", "晚报", "时报", "电视台")
NAME_PIECE = regex.compile(r"[\p{Han}A-Za-z·—()（）-]+|[A-Z]+\d+[A-Z]?")
HAN = regex.compile(r"\p{Han}+")
TOWN_STOP = STOP_TAGS - {"zg"} | {"v", "vn", "vd"}
ORDINAL = regex.compile(r"第[一二三四五六七八九十]{1,3}")  # 第一|中学, 第二|人民医院
# 第七|〇|三|研究所: an institute's code number however jieba cut it
ORDINAL_RUN = regex.compile(r"第[〇零一二三四五六七八九十百\d]{1,5}$")
ORDINAL_PIECE = regex.compile(r"[〇零一二三四五六七八九十百\d]+")
# 甘孜藏族自治州 -> 甘孜州: a prefecture's short form is its place name without the peoples' names
PEOPLES = regex.compile(r"^(\p{Han}{2,4}?)(?:土家族|布依族|哈尼族|傈僳族|景颇族|朝鲜族|柯尔克孜|哈萨克"
                        r"|保安族|东乡族|撒拉族|仫佬族|毛南族|仡佬族|达斡尔族|鄂温克族|鄂伦春族|锡伯族"
                        r"|拉祜族|普米族|独龙族|怒族|蒙古族?|[藏彝苗侗傣白壮回羌瑶黎佤畲水纳满土]族)+$")
# a phase or part after a facility's name is no part of it (机场|改扩建工程, 机场|新航站楼, 港|四期工程)
# T5航站楼, 改扩建工程新航站楼, 东站|综合交通枢纽: a terminal or a hub after a facility is a part of it
PHASE = regex.compile(r"(?:(?:自动化|智能化|数字化|改扩建|扩建|改建|新建|迁建|续建|改造|提质|加高|新"
                      r"|保护|修缮|主体|示范|[一二三四五六七八九十\d]+期)+"
                      r"(?:工程|项目|航站楼|院区|码头)?|航站区(?:工程|项目)?|[A-Z]\d{1,2}[A-Z]?航站楼|[东南西北]航站楼|园区|主体育场"
                      r"|(?:综合)?(?:交通)?枢纽(?:工程|项目)?)+")
# 黄河|上游|龙羊峡水电站, 雅鲁藏布江|下游|水电工程: a direction after a river ends a facility's name
DIRECTIONS = frozenset({"上游", "中游", "下游", "上中游", "中下游", "干流", "干线", "沿岸", "两岸"})
# 渝昆高铁|重庆西站: a station on a line is its own name
LINE_WORDS = ("高铁", "铁路", "城际铁路", "高速铁路")
BODY_ENDS = "部局委署厅办"  # 文化和旅游部|数据中心: a body's centre is a unit of it (ORG)
# 第十九届亚运会|总结|大会: a meeting about an event is no name; the event is
SUB_EVENTS = ("总决赛", "颁奖典礼")  # a part of an event, its own name only where no event is named before
EVENT_TAIL = frozenset({"总结", "表彰", "颁奖", "动员", "誓师", "筹备", "筹备工作", "总结表彰", "新闻"})
SOCIETY_WORDS = ("协会", "学会", "商会", "联合会", "研究会", "促进会")  # …协会|年会: the society, no event
PHASE_FIRST = frozenset("自智数改扩新迁续保修主一二三四五六七八九十0123456789航综交枢"
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # where a PHASE match may start
INNER_PHASE = ("工程", "项目")  # 控制性|工程|色季拉山|隧道: a named facility starts after the project word
COMPANY_WORDS = ("公司", "集团")
TITLED_BODIES = (*COMPANY_WORDS, "大学", "学院")  # …大学|党委书记: the school, and a title after it
VALLEY_NOT = frozenset("山河峡低深幽波溪空")  # 山谷, 低谷: common words in 谷, no industry's valley
ASKING = frozenset("请让派令")  # 请|国家…委: a one-character verb of asking before a name
PREPOSITIONS = "对把被给"  # 对原|省政协: a preposition glued on a word jieba does not know
COMPANY_ENDS = ("有限公司", "有限责任公司")  # a company's full name ends here (…股份有限公司|拟收购…)
COMPLEMENTS = "好大强优实牢稳足全深细"  # 守护|好, 做|大|做|强: an adjective completing the verb before it
MODALS = "要可应需须已再也都还就才并又均仍"  # 要筑牢, 可经: a modal or adverb opening a cut
OPEN_BRACKET = regex.compile(r"[(（][\p{Han}A-Za-z·]{1,8}$")
COMPANY_BRACKET = regex.compile(r"[(（](?:集团|控股|中国)[)）](?:股份)?有限")  # 光明食品(集团)有限公司
PARTY_PREFIX = ("中国共产党", "中共")  # 中共|丽水市委五届七次全会, 中国共产党|青海省第十四次代表大会
LEVEL_WORDS = ("", "自治区", "省", "市", "区", "县", "州")  # a level word a session's pattern starts with
TITLE_SLOT = "(?:{title})"
POST_SLOT = "(?={post_title})"
NAME_BEFORE = 6  # characters a name before a post title spans at most (the pattern's names: 2 to 4)
LEAD_ALTERNATIVES = regex.compile(r"\(\?<=(\p{Han}+(?:\|\p{Han}+)*)\)")  # (?<=任命|聘任)
LEAD_CLASS = regex.compile(r"\(\?<=\[(\p{Han}+)\]\)")  # (?<=[来在赴])
LIST_RULE = "person.list"  # names in a list ended by 等 (…大学王小明、李大伟等)
PERSON_NOT = regex.compile(r"[省市县区州委副]")  # 和省长, 和市委: a title, no personal name


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntityExample(_Model):
    text: str
    entities: list[list[str]]


class Gazetteer(_Model):
    id: str
    label: Label
    terms: list[str] = Field(min_length=1)
    normalized: dict[str, str] = {}
    examples: list[EntityExample] = []
    not_: list[str] = Field(default=[], alias="not")
    note: str | None = None
    disabled: bool = False


class SuffixRule(_Model):
    id: str
    label: Label
    words: list[str] = Field(min_length=1)
    tail_only: bool = False  # a suffix only as the end of a longer word (黄鹤楼), never a word alone
    not_before: list[str] = []  # text right after the suffix that makes it no name (地区|生产总值)
    only_before: list[str] = []  # if set, the suffix names something only before one of these (…杯|决赛)
    needs_proper: bool = True  # False: a statute's word names it alone (民营经济促进法, 地方组织法)
    place_not_proper: bool = False  # True: a place and the word are no name (邯郸钢铁, 上海汽车)
    generic_ok: bool = False  # True: 国家, 全国 … or 省, 市 … head a name (国家铁路局, 市财政局)
    strict: bool = False  # True: the proper part must be a gazetteer name or a dictionary proper noun
    max_pieces: int = 8  # words before the suffix at most (地区: 东北亚|地区, not 亚马逊…华中|地区)
    needs_edition: bool = False  # True: a name only after an edition (第四十一届…风筝|会)
    with_year: bool = False  # True: a year right before belongs to the name (2024年…统计公报)
    town: bool = False  # True: a town or village (九宫山|镇, 安吉县|余村): the name starts after a division
    sub_unit: bool = False  # True: a unit of a body; the body's name before it belongs to it (海关总署|…|司)
    not_after_name: bool = False  # True: no name right after a name's word (商务厅|组织: a verb there)
    examples: list[EntityExample] = []
    note: str | None = None
    disabled: bool = False


class PatternRule(_Model):
    id: str
    label: Label
    pattern: str
    extend_left: list[Label] = []  # a gazetteer name of these labels right before belongs to it
    each_char: bool = False  # True: every character of the name is a name of its own (中|越两国)
    requires: list[str] = []  # the pattern runs only on a text holding one of these (团队, 某): fast
    in_quotes: bool = False  # True: the name stands in quotes by design (台风“山竹”), no slogan
    examples: list[EntityExample] = []
    not_: list[str] = Field(default=[], alias="not")
    note: str | None = None
    disabled: bool = False


class EntityFile(_Model):
    gazetteers: list[Gazetteer] = []
    suffixes: list[SuffixRule] = []
    patterns: list[PatternRule] = []
    titles: list[str] = []
    post_titles: list[str] = []
    surnames: list[str] = []
    foreign_chars: list[str] = []
    follow: list[str] = []
    generic_heads: list[str] = []
    joiners: list[str] = []
    keep_words: list[str] = []
    name_verbs: list[str] = []
    law_verbs: list[str] = []
    blockers: list[str] = []
    stop_words: list[str] = []
    verbs: list[str] = []
    division_exclude: list[str] = []
    suffix_exclude: list[str] = []


@dataclass(slots=True, unsafe_hash=True)  # immutable by use; a frozen dataclass's __init__ is 4x slower
class Entity:
    start: int
    end: int
    label: str
    rule: str
    normalized: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class EntityRules:
    gazetteers: tuple[Gazetteer, ...]
    suffixes: tuple[SuffixRule, ...]
    patterns: tuple[PatternRule, ...]
    stop_words: frozenset[str]
    verbs: frozenset[str]
    exclude: frozenset[str]
    suffix_exclude: frozenset[str]
    divisions: tuple[tuple[str, str, str, str], ...]  # name, short, code, level
    fingerprint: str
    titles: tuple[str, ...] = ()
    post_titles: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    foreign_chars: str = ""
    follow: tuple[str, ...] = ()
    generic_heads: frozenset[str] = frozenset()
    joiners: frozenset[str] = frozenset()
    keep_words: frozenset[str] = frozenset()
    name_verbs: frozenset[str] = frozenset()
    blockers: tuple[str, ...] = ()
    law_verbs: frozenset[str] = frozenset()


def entity_dirs(extra: list[str] | tuple[str, ...] = ()) -> list[Path]:
    return [bundled_rules_dir() / "entities"] + [Path(d) / "entities" for d in extra]


def load_entity_rules(extra: list[str] | tuple[str, ...] = ()) -> EntityRules:
    dirs = [d for d in entity_dirs(extra) if d.is_dir()]
    digest = hashlib.sha1()
    for folder in dirs:
        for path in sorted(folder.glob("*")):
            if path.suffix in (".yaml", ".tsv"):
                digest.update(path.name.encode() + path.read_bytes())
    return _load(tuple(str(d) for d in dirs), digest.hexdigest()[:12])


LISTS = ("titles", "post_titles", "surnames", "foreign_chars", "follow", "generic_heads", "joiners",
         "keep_words", "name_verbs", "law_verbs", "blockers", "stop_words", "verbs", "division_exclude",
         "suffix_exclude")


@lru_cache(maxsize=8)
def _load(dirs: tuple[str, ...], fingerprint: str) -> EntityRules:
    problems: list[str] = []
    merged: dict[str, dict[str, object]] = {"gazetteers": {}, "suffixes": {}, "patterns": {}}
    lists: dict[str, list[str]] = {key: [] for key in LISTS}
    divisions: dict[str, tuple[str, str, str, str]] = {}
    for folder in map(Path, dirs):
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
                parsed = EntityFile.model_validate(data)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f"{path}:{mark.line + 1}" if mark else str(path)
                problems.append(f"{where}: bad YAML: {getattr(exc, 'problem', None) or exc}")
                continue
            except ValidationError as exc:
                problems += [f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
                continue
            for key in merged:
                for entry in getattr(parsed, key):
                    merged[key][entry.id] = entry
            for key in LISTS:
                lists[key] += [w for w in getattr(parsed, key) if w not in lists[key]]
        for path in sorted(folder.glob("*.tsv")):
            with open(path, encoding="utf-8") as handle:
                rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
                header = next(rows, None)
                if header != ["name", "short", "code", "level"]:
                    problems.append(f"{path}:3: expected the columns name, short, code, level")
                    continue
                for row in rows:
                    if len(row) == 4:
                        divisions[row[0]] = (row[0], row[1], row[2], row[3])
    slots = _slots(lists)
    for entry in merged["patterns"].values():
        try:
            regex.compile(_fill(entry.pattern, slots))
        except regex.error as exc:
            problems.append(f"[{entry.id}] pattern does not compile: {exc}")
    if problems:
        raise RuleError("\n".join(problems))

    def live(key):
        return tuple(e for e in merged[key].values() if not e.disabled)

    return EntityRules(live("gazetteers"), live("suffixes"), live("patterns"),
                       frozenset(lists["stop_words"]), frozenset(lists["verbs"]),
                       frozenset(lists["division_exclude"]), frozenset(lists["suffix_exclude"]),
                       tuple(divisions.values()), fingerprint, tuple(lists["titles"]),
                       tuple(lists["post_titles"]), tuple(lists["surnames"]),
                       "".join(lists["foreign_chars"]), tuple(lists["follow"]),
                       frozenset(lists["generic_heads"]), frozenset(lists["joiners"]),
                       frozenset(lists["keep_words"]), frozenset(lists["name_verbs"]),
                       tuple(lists["blockers"]), frozenset(lists["law_verbs"]))


def _alternation(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True)) or "(?!)"


def _slots(lists: dict[str, list[str]]) -> dict[str, str]:
    # two characters: a compound surname (欧阳); one or more than two: single-character surnames
    single = "".join(s for s in lists["surnames"] if len(s) != 2)
    double = [s for s in lists["surnames"] if len(s) == 2]
    surname = "(?:" + "|".join([*map(regex.escape, double), f"[{single}]" if single else "(?!)"]) + ")"
    chars = "".join(lists["foreign_chars"])
    return {"{surname}": surname, "{title}": f"(?:{_alternation(lists['titles'])})",
            "{post_title}": f"(?:{_alternation(lists['post_titles'])})",
            "{foreign}": f"[{chars}]" if chars else "(?!)",
            "{follow}": f"(?:{_alternation(lists['follow'])})"}


def _fill(pattern: str, slots: dict[str, str]) -> str:
    for key, value in slots.items():
        pattern = pattern.replace(key, value)
    return pattern


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's dictionary tags (word -> tag), read once; empty when jieba is not installed."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a dependency
        return {}
    tags: dict[str, str] = {}
    with jieba.get_dict_file() as handle:
        lines = handle.read().decode("utf-8").splitlines()  # one decode, not one a line
    for line in lines:
        parts = line.split()
        if len(parts) == 3:
            # a frequent word tagged as a place or name is a common word (城市, 海洋): tag it n
            common = parts[2] in PROPER_TAGS and int(parts[1]) >= COMMON_FREQ
            tags[parts[0]] = "n" if common else parts[2]
    return tags


class EntityMatcher:
    def __init__(self, rules: EntityRules, actions: tuple[str, ...] = ()) -> None:
        self.rules = rules
        self.automaton = Automaton()
        entries: dict[str, tuple[str, str, str | None, str | None]] = {}
        self.places: set[str] = set()
        for name, short, code, level in rules.divisions:
            if name in rules.exclude:
                continue
            entries[name] = ("GPE", f"gpe.division.{level}", name, code)
            self.places.add(name)
            if short and short not in entries and short not in rules.exclude:
                entries[short] = ("GPE", f"gpe.division.{level}", name, code)
                self.places.add(short)
        self.tags = word_tags()
        for name, short, code, _level in rules.divisions:
            # 敦煌 for 敦煌市, 榕江 for 榕江县: only where jieba's dictionary knows the short form as a place
            if not short and len(name) >= 3 and name[-1] in "市县" and name[:-1] not in entries \
                    and name[:-1] not in rules.exclude and self.tags.get(name[:-1]) == "ns":
                entries[name[:-1]] = ("GPE", SHORT_RULE, name, code)
                self.places.add(name[:-1])
        for gaz in rules.gazetteers:  # curated lists override the table
            for term in gaz.terms:
                entries[term] = (gaz.label, gaz.id, gaz.normalized.get(term), None)
        for term in rules.blockers:
            entries[term] = (NONE, "blocker", None, None)
        # 正定 for 正定县, 顺德 for 顺德区: a county's short form, trusted right after its parent only
        self.after_parent: dict[str, list[str]] = {}
        for name, short, code, level in rules.divisions:
            base = name[:-1]
            if level == "county" and len(name) >= 3 and name[-1] in "县市区旗" and not short \
                    and base not in entries and base not in rules.exclude \
                    and self.tags.get(base) not in ("p", "c", "u", "uj", "r"):
                self.after_parent.setdefault(base, []).append(code)
        for name, short, code, level in rules.divisions:
            head = PEOPLES.match(short) if level == "city" and name.endswith("自治州") and short else None
            if head and head.group(1) + "州" not in entries:  # 黔南布依族苗族自治州 -> 黔南州
                entries[head.group(1) + "州"] = ("GPE", f"gpe.division.{level}", name, code)
                self.places.add(head.group(1) + "州")
            if head and head.group(1) not in entries and self.tags.get(head.group(1)) == "ns":
                entries[head.group(1)] = ("GPE", f"gpe.division.{level}", name, code)  # 延边
                self.places.add(head.group(1))
            # 秀山土家族苗族自治县 -> 秀山县: an autonomous county's place name and 县
            county = PEOPLES.match(name[:-3]) if level == "county" and name.endswith("自治县") else None
            if county and county.group(1) + "县" not in entries:
                entries[county.group(1) + "县"] = ("GPE", f"gpe.division.{level}", name, code)
                self.places.add(county.group(1) + "县")
        self.places |= {t for g in rules.gazetteers if g.label == "GPE" for t in g.terms}
        self.loc_terms = {t for g in rules.gazetteers if g.label == "LOC" for t in g.terms}
        self.countries = {t for g in rules.gazetteers if g.id in COUNTRY_RULES for t in g.terms}
        # 云南省|西双版纳傣族自治州, 河南|洛阳: a division's full name (or a province's short form) and its
        # level, for cutting a chain of divisions into one name per level
        self.div_level: dict[str, str] = {}
        self.div_full: set[str] = set()
        for name, short, _code, level in rules.divisions:
            if name in rules.exclude:
                continue
            self.div_full.add(name)
            self.div_level.setdefault(name, level)
            if short and len(short) >= 2 and short not in rules.exclude:
                self.div_level.setdefault(short, level)
        lengths: dict[str, set[int]] = {}
        for n in self.div_level:
            lengths.setdefault(n[0], set()).add(len(n))
        self.div_lengths = {c: tuple(sorted(ks, reverse=True)) for c, ks in lengths.items()}
        self.div_prefix2 = frozenset(n[:2] for n in self.div_level)
        self.suffix_ids = frozenset(r.id for r in rules.suffixes)
        self.counties = {n for n, _s, _c, level in rules.divisions if level == "county" and n[-1] in "区县"}
        for term, value in entries.items():
            self.automaton.add_word(term, (len(term), *value))
        self.automaton.make_automaton()
        self.suffixes = Automaton()
        self.suffix_words: dict[str, tuple[str, str, bool]] = {}
        self.not_before: dict[str, tuple[str, ...]] = {}
        self.only_before: dict[str, tuple[str, ...]] = {}
        self.generic_ok = {r.id for r in rules.suffixes if r.generic_ok}
        self.strict = {r.id for r in rules.suffixes if r.strict}
        self.max_pieces = {r.id: r.max_pieces for r in rules.suffixes}
        self.free: set[str] = set()  # rules whose names need no proper part
        self.needs_edition = {r.id for r in rules.suffixes if r.needs_edition}
        self.with_year = {r.id for r in rules.suffixes if r.with_year}
        self.towns = {r.id for r in rules.suffixes if r.town}
        self.sub_units = {r.id for r in rules.suffixes if r.sub_unit}
        self.not_after_name = {r.id for r in rules.suffixes if r.not_after_name}
        self.body_words = tuple(w for r in rules.suffixes if r.id == "org.body_suffix" for w in r.words)
        self.all_suffixes = tuple(w for r in rules.suffixes for w in r.words)
        self.joiner_stop = tuple(w for r in rules.suffixes if r.label in ("ORG", "LAW", "EVENT", "GPE")
                                 and not r.needs_edition and not r.town for w in r.words)
        self.fac_words = tuple(w for r in rules.suffixes if r.label == "FAC" and not r.strict
                               for w in r.words)
        self.event_words = tuple(w for r in rules.suffixes if r.label == "EVENT"
                                 for w in r.words if len(w) >= 2)
        self.placeless: set[str] = set()  # rules for which a place is no proper part
        for rule in rules.suffixes:
            for word in rule.words:
                self.suffix_words[word] = (rule.label, rule.id, rule.tail_only)
            self.not_before[rule.id] = tuple(rule.not_before)
            if rule.only_before:
                self.only_before[rule.id] = tuple(rule.only_before)
            if not rule.needs_proper:
                self.free.add(rule.id)
            if rule.place_not_proper:
                self.placeless.add(rule.id)
        self.org_terms = {t for g in rules.gazetteers if g.label == "ORG" for t in g.terms}
        self.org_suffixes = tuple(w for w, v in self.suffix_words.items() if v[0] == "ORG" and len(w) > 1)
        for word, value in self.suffix_words.items():
            self.suffixes.add_word(word, (len(word), *value))
        self.suffixes.make_automaton()
        slots = _slots({key: list(getattr(rules, key)) if key != "foreign_chars" else [rules.foreign_chars]
                        for key in ("titles", "post_titles", "surnames", "foreign_chars", "follow")})
        self.patterns = [(p, regex.compile(_fill(p.pattern, slots))) for p in rules.patterns]
        # a pattern's required words as one search (one call per text, not one per word)
        self.requires = {p.id: re.compile("|".join(map(re.escape, p.requires))).search
                         for p in rules.patterns if p.requires}
        self.quoted_rules = frozenset(p.id for p in rules.patterns if p.in_quotes)
        # patterns whose every match starts with a title, or follows one of a few words, run only
        # there (fast), not at every character
        plain = [p for p in rules.patterns if not _top_level_or(p.pattern)]
        self.title_led = {p.id for p in plain if p.pattern.startswith(TITLE_SLOT)}
        self.led_by = {p.id: words for p in plain if (words := _lead_words(p.pattern))}
        self.post_led = {p.id for p in plain if p.pattern.endswith(POST_SLOT)}  # a name before 总理
        self.stop_words = rules.stop_words | set(rules.titles)
        # one-character words (以, 在) stop a name only as whole tokens (stop_words), not as prefixes
        # multi-character stop words end a name as prefixes too (一流大学, 重点实验室)
        verbs = sorted({v for v in rules.verbs | set(actions) | rules.stop_words if len(v) > 1},
                       key=len, reverse=True)
        self.verb_re = regex.compile("|".join(regex.escape(v) for v in verbs) or "(?!)")
        self.title_words = frozenset(rules.titles)
        single = "".join(s for s in rules.surnames if len(s) != 2)
        # where a sentence opens with a one-character surname and one or two more characters (_lead_persons)
        one = rf"[{single}]\p{{Han}}{{1,2}}"
        name = rf"{one}(?:[、和]{one})*(?:{_alternation(LEAD_PERSON_NEXT)})"
        name = name.replace(r"\p{Han}", "[\u3400-\u9fff]")  # the standard re scans this faster
        self.lead_person_re = re.compile(rf"[。！？；，\n]{name}" if single else "(?!)")
        self.lead_person_at0 = re.compile(name if single else "(?!)")
        self.surname_re = regex.compile(slots["{surname}"])
        self.title_automaton = Automaton()
        for title in rules.titles:
            self.title_automaton.add_word(title, len(title))
        self.title_automaton.make_automaton()
        self.post_automaton = Automaton()
        for title in rules.post_titles:
            self.post_automaton.add_word(title, len(title))
        self.post_automaton.make_automaton()
        self.follow1 = frozenset(w for w in rules.follow if len(w) == 1)  # 刘琦|说 glued by jieba
        self.word_ok: dict[str, bool] = {}  # _word_ok's answers, by word

    def find(self, text: str, tokens: list[tuple[int, int]]) -> list[Entity]:
        """Entities on normalized `text`; `tokens` are the Doc's (start, end) character offsets."""
        found: list[tuple[Entity, int]] = []  # (entity, priority: 3 pattern, 2 gazetteer, 0 built)
        known = bytearray(len(text))  # characters inside a gazetteer name: a built name's proper part
        starts, ends = _columns(tokens)
        bounds = ends.union(starts)
        fac_inside: dict[int, int] = {}  # a character inside a gazetteer facility -> where it starts
        place_ends: set[int] = set()  # where a gazetteer place ends (a landmark or body may join it)
        garden = joins = lines = False
        for end_index, (length, label, rule, normalized, code) in self.automaton.iter(text):
            start = end_index - length + 1
            if rule == SHORT_RULE and (start not in bounds or end_index + 1 not in bounds):
                continue  # 通江达海 is no 江达: a county's short form only as a whole word
            if code and label == "GPE" and end_index + 1 in bounds:  # 石家庄|正定
                prefix = code[:2] if code[2:4] == "00" else code[:4]
                for size in (2, 3):
                    codes = self.after_parent.get(text[end_index + 1 : end_index + 1 + size])
                    if codes and end_index + 1 + size in bounds and any(c.startswith(prefix) for c in codes):
                        stop = end_index + 1 + size
                        if text[stop : stop + 1] in ("市", "区", "县") and stop + 1 in bounds:
                            stop += 1  # 阿克苏地区|库车|市: a county renamed a city, its level word cut off
                        found.append((Entity(end_index + 1, stop, "GPE", AFTER_RULE), 2))
            if label == "LAW" and end_index + 1 not in bounds:
                continue  # 未成年人保护|法治: the statute's last character starts the next word
            found.append((Entity(start, end_index + 1, label, rule, normalized, code), 2))
            if label == "GPE" or label == "LOC":
                place_ends.add(end_index + 1)
                if text[end_index + 3 : end_index + 4] == "园":
                    garden = True  # 苏州|拙政园
            elif (label == "FAC" or label == "ORG") and start in place_ends:
                joins = True  # 拉萨|大昭寺, 美国|商务部
            if label == "FAC" and text[end_index + 2 : end_index + 3] == "线":
                lines = True  # 西气东输|四线
            if rule in COUNTRY_RULES and end_index + 1 in bounds:  # 越南|工贸|部: a country's ministry
                body = next((w for w in COUNTRY_BODIES if text.startswith(w, end_index + 1)), "")
                if body and end_index + 1 + len(body) in bounds:  # 美国|国务院, 法国|政府
                    found.append((Entity(start, end_index + 1 + len(body), "ORG", "org.foreign_ministry"), 2))
                ministry = self._ministry(text, tokens, end_index + 1, start)
                if ministry:
                    found.append((ministry, 1))
            if label not in ("PERSON", NONE):
                known[start : end_index + 1] = b"\x01" * length
            if label == "FAC":
                for k in range(start + 1, end_index + 1):
                    fac_inside[k] = start
            after = end_index + 1
            bay = text[after : after + 1]
            river = label == "LOC" and text[end_index] in "江河"  # 闽江|口, 珠江|口
            city = label == "GPE" and bay == "湾" and rule.startswith("gpe.division") and length >= 2
            if bay and bay in "湾口" and (river or city) and after in bounds \
                    and text[after + 1 : after + 2] not in BAY_NOT:
                found.append((Entity(start, after + 1, "LOC", "loc.bay"), 2))  # 闽江|口, 厦门|湾
            if label == "GPE" and not rule.startswith("gpe.division") and after in bounds \
                    and text[after : after + 1] in ("州", "省") and after + 1 in bounds:  # 阿拉木图|州
                found.append((Entity(start, after + 1, label, rule, None, None), 2))
            if label == "GPE" and bay and bay in "市区县" and length >= 2 and after in bounds \
                    and after + 1 in bounds and rule.startswith("gpe.division") \
                    and text[end_index] not in "市区县州省" and (start == 0 or start in bounds):
                # 漠河|市, 福州市|长乐|区: a county's short form and its level word jieba cut off
                found.append((Entity(start, after + 1, label, rule, normalized, code), 2))
            if label == "GPE" and bay == "特" and text.startswith("特区", after):  # 香港|特区
                found.append((Entity(start, after + 2, label, rule, normalized, code), 2))
        single: set[int] = set()  # one-character names (来郑): no part of a longer built name
        titles = list(self.title_automaton.iter(text))  # (last character, length) of every title
        title_starts = sorted({last + 1 - length for last, length in titles})
        requires = self.requires
        for rule, pattern in self.patterns:
            if rule.requires and not requires[rule.id](text):
                continue
            if rule.id == LIST_RULE:
                matches = self._list_matches(pattern, text)
            elif rule.id in self.title_led:
                matches = _matches_at(pattern, text, title_starts)
            elif rule.id in self.post_led and self.rules.post_titles:
                matches = _matches_at(pattern, text, self._before_post_titles(text))
            elif rule.id in self.led_by:
                matches = _matches_at(pattern, text, _ends_of(text, self.led_by[rule.id]))
            else:
                matches = pattern.finditer(text)
            for m in matches:
                span = m.span("name") if "name" in pattern.groupindex else m.span()
                if span[0] == span[1]:
                    continue
                if rule.each_char:  # 中越两国: each character is a name
                    found += [(Entity(k, k + 1, rule.label, rule.id), 3) for k in range(*span)]
                    single.update(range(*span))
                    continue
                if rule.id == "person.byline":  # 记者 董艳竹 袁帅: one entity per name
                    for name in HAN.finditer(text[span[0] : span[1]]):
                        if name.group() in BYLINE_ROLES or name.group() in self.places \
                                or name.group().endswith("报道") or name.group().startswith("发自"):
                            continue  # 记者 李明远 济南报道: the place is not a name
                        s = span[0] + name.start()
                        found.append((Entity(s, s + len(name.group()), rule.label, rule.id), 3))
                    continue
                if rule.label == "PERSON" and not self._person_ok(text[span[0] : span[1]]):
                    continue  # 书记和省长, 主任和专家: no name (市长和良辉 is one)
                if rule.id == LIST_RULE and all(known[span[0] : span[1]]):
                    continue  # 、石家庄等: a place, not a name
                start = span[0]
                if rule.extend_left:  # 山东省|第十四届人大…会议, 二十国集团|领导人第十九次峰会
                    before = self.automaton.iter(text, max(0, start - 12), min(len(text), start + 3))
                    for end_index, (length, label, *_rest) in before:
                        # 山东省|第十四届…; 宁夏回族自治区|第十三届…: a match's 自治区 ends the place's name
                        if label in rule.extend_left and end_index + 1 - length < span[0] <= end_index + 1 \
                                and text[span[0] : end_index + 1] in LEVEL_WORDS:
                            start = min(start, end_index + 1 - length)
                    if rule.label == "EVENT":
                        start -= next((len(w) for w in PARTY_PREFIX if text.endswith(w, 0, start)), 0)
                label = rule.label
                if rule.id == "law.book_title" and self._media(text[span[0] : span[1]]):
                    label = "ORG"  # 《人民日报》: a newspaper's name in brackets is the newspaper
                found.append((Entity(start, span[1], label, rule.id), 3))
                if start in place_ends:
                    joins = True  # 土耳其|驻广州总领事馆
                if span[1] - span[0] == 1:
                    single.add(span[0])
        found += self._venues(text, tokens, known)
        found += self._lead_persons(text, tokens)
        named = {e.start for e, _ in found if e.label == "PERSON"}
        found += self._titled_persons(text, tokens, titles, named)
        built = self._suffix_names(text, tokens, starts, ends, known, single, fac_inside)
        precise = [e for e, priority in found if priority == 3 and e.end - e.start > 1]
        # a built name never cuts through a pattern's name (省十四届人大四次会议|上作政府工作报告)
        if precise:
            built = [e for e in built
                     if not any(p.start < e.start < p.end < e.end or e.start < p.start < e.end < p.end
                                for p in precise)]
            persons = {p.start: p.end for p in precise if p.label == "PERSON"}
            if persons:  # 省长|刘捷|作政府工作报告: no name opens with a person's name
                built = [e for e in built if not e.end > persons.get(e.start, e.end)]
        cuts: dict[tuple[int, int], int] = {}  # 云南省|西双版纳傣族自治州: where a chain's last level starts
        for e in built:
            if (e.label == "GPE" or e.label == "FAC") and e.rule in self.suffix_ids:
                if text[e.start : e.start + 2] in self.div_prefix2:
                    cut = self._chain_start(text, e.start, e.end, e.label)
                    if cut != e.start:
                        cuts[e.start, e.end] = cut
                if e.start in place_ends:
                    joins = True  # 巴黎|爱丽舍宫
                if e.rule in self.towns and e.end - e.start >= 5 and text[e.end - 1] == "村":
                    a, b = e.start + 2, e.end - 2
                    k = max(text.rfind("乡", a, b), text.rfind("镇", a, b))
                    if k > 0:
                        cuts[e.start, e.end] = k + 1  # 叶坪乡|华屋村: the township and the village
            found.append((e, 0))
        kept = [_event_span(text, e) if e.label == "EVENT" else e for e in _resolve(found) if e.label != NONE]
        if cuts:
            kept = self._chains(text, kept, cuts)
        if lines:
            kept = [self._fac_part(text, e) if e.label == "FAC" else e for e in kept]
        if joins or garden:
            kept = self._place_landmarks(text, tokens, kept, garden)
        quotes = [m.span() for m in QUOTE.finditer(text)]
        if quotes:  # “郑州品牌、郑州标杆”: names inside a slogan's quotes are not annotated
            inside = bytearray(len(text))
            for a, b in quotes:
                inside[a + 1 : b - 1] = b"\x01" * (b - a - 2)
            kept = [e for e in kept if not all(inside[e.start : e.end]) or e.rule in self.quoted_rules]
        if SESSION_START.search(text):
            kept = _body_sessions(text, kept)
        if titles and "、" in text:
            kept = self._person_lists(text, tokens, kept)
        return _propagate_persons(text, kept)

    def _person_lists(self, text: str, tokens: list[tuple[int, int]], kept: list[Entity]) -> list[Entity]:
        """航天员|陈冬、陈中瑞、王杰: the names listed after a titled name are names too (each a word
        of two or three characters that starts with a surname and that jieba does not know as a word)."""
        taken = {k for e in kept for k in range(e.start, e.end)}
        extra = []
        for e in kept:
            if e.rule != "person.title":
                continue
            at = e.end
            while text.startswith("、", at):
                k = bisect.bisect_left(tokens, (at + 1,))
                if k >= len(tokens) or tokens[k][0] != at + 1:
                    break
                a, b = tokens[k]
                name = text[a:b]
                if not (2 <= b - a <= 3 and HAN.fullmatch(name) and self.surname_re.match(name)
                        and self.tags.get(name, "nr")[:2] == "nr" and name not in self.places
                        and not taken.intersection(range(a, b)) and self._person_ok(name)):
                    break
                extra.append(Entity(a, b, "PERSON", "person.title_list"))
                at = b
        return sorted(kept + extra, key=lambda e: e.start) if extra else kept

    def _before_post_titles(self, text: str) -> list[int]:
        """Where a name that ends right before a post title (李强|总理) may start."""
        return sorted({last + 1 - length - k for last, length in self.post_automaton.iter(text)
                       for k in range(1, NAME_BEFORE + 1) if last + 1 - length >= k})

    @staticmethod
    def _list_matches(pattern, text: str):
        """A list of names ends at 等: the pattern runs only on the stretch before each 等 (fast)."""
        seen: set[int] = set()
        at = text.find("等")
        while at >= 0:
            for m in pattern.finditer(text, max(0, at - 40), at + 4):
                if m.start() not in seen:
                    seen.add(m.start())
                    yield m
            at = text.find("等", at + 1)

    def _ministry(self, text: str, tokens: list[tuple[int, int]], at: int, start: int) -> Entity | None:
        """秘鲁|外贸|旅游部, 越南|工贸|部: a country and up to three words ending in 部 name its ministry."""
        k = bisect.bisect_left(tokens, (at,))
        for n in range(k, min(k + 3, len(tokens))):
            a, b = tokens[n]
            word = text[a:b]
            if not HAN.fullmatch(word):
                return None
            if word.endswith("部") and b - at >= 2:
                last = word if len(word) > 1 else text[tokens[n - 1][0] : b]
                if last in NOT_MINISTRY or self.tags.get(word) == "f" or text.startswith(("门", "分"), b):
                    return None
                return Entity(start, b, "ORG", "org.foreign_ministry")
            if not self._piece_ok(word) or word in self.places:
                return None
        return None

    def _venues(self, text: str, tokens: list[tuple[int, int]], known: bytearray) -> list[tuple[Entity, int]]:
        """在|博鳌|开幕, 在|张家界|调研: the word between 在 and a verb of meeting or visiting."""
        out = []
        at = text.find("在")
        while at >= 0:
            k = bisect.bisect_left(tokens, (at + 1,))
            if 0 < k < len(tokens) - 2 and tokens[k - 1] == (at, at + 1) and tokens[k][0] == at + 1:
                if text[tokens[k][0] : tokens[k][1]] in self.places:  # 在|海南|博鳌|开幕
                    k += 1
                a, b = tokens[k]
                word = text[a:b]
                if 2 <= b - a <= 4 and HAN.fullmatch(word) and self.tags.get(word) in VENUE_TAGS \
                        and text.startswith(VENUE_VERBS, b) and tokens[k + 1][0] == b \
                        and not any(known[a:b]) and not word.endswith(self.all_suffixes):
                    out.append((Entity(a, b, "GPE", "gpe.venue"), 1))
            at = text.find("在", at + 1)
        return out

    def _lead_persons(self, text: str, tokens: list[tuple[int, int]]) -> list[tuple[Entity, int]]:
        """郑钦文|在…, 孙颖莎|、|王楚钦|在…, 王毅|表示: at the start of a sentence, a word of two or three
        characters jieba does not know that starts with a surname, before a word that follows a name
        (or a list of them joined by 、 or 和)."""
        out = []
        heads = [m.start() + 1 for m in self.lead_person_re.finditer(text)]
        if self.lead_person_at0.match(text):
            heads.insert(0, 0)
        for at in heads:
            k = bisect.bisect_left(tokens, (at,))
            if k < len(tokens) and tokens[k][0] == at:
                run = []
                j = k
                while j < len(tokens):
                    x, y = tokens[j]
                    name = text[x:y]
                    if not 2 <= y - x <= 3 or name in self.tags or not HAN.fullmatch(name) \
                            or not self.surname_re.match(name) or len(self.surname_re.match(name)[0]) != 1 \
                            or name in self.places or not self._person_ok(name):
                        break
                    run.append((x, y))
                    if j + 1 < len(tokens) and text[tokens[j + 1][0] : tokens[j + 1][1]] in ("、", "和"):
                        j += 2
                        continue
                    j += 1
                    break
                else:
                    run = []
                if run and j < len(tokens) and text[tokens[j - 1][1] : tokens[j - 1][1] + 1] not in "、和" \
                        and text[tokens[j][0] : tokens[j][1]] in LEAD_PERSON_NEXT:
                    out += [(Entity(x, y, "PERSON", "person.lead"), 1) for x, y in run]
        return out

    def _titled_persons(self, text: str, tokens: list[tuple[int, int]], titles: list[tuple[int, int]],
                        named: set[int]) -> list[tuple[Entity, int]]:
        """董事长|曹德旺|捐资: after a title, a word that starts with a surname, unknown to jieba or a
        personal name by its dictionary."""
        out = []
        if not self.title_words:
            return out
        for last, length in titles:
            k = bisect.bisect_left(tokens, (last + 1,))
            if k >= len(tokens) or tokens[k][0] != last + 1 or last + 1 in named:
                continue
            a, b = tokens[k]
            if k == 0 or tokens[k - 1][1] != last + 1 or tokens[k - 1][0] > last + 1 - length:
                continue  # the title ends a token (局长, 局|局长 glued as 局局长)
            name = text[a:b]
            surname = self.surname_re.match(name)
            if 2 <= len(name) <= 3 and self.tags.get(name, "nr")[:2] == "nr" and HAN.fullmatch(name) \
                    and surname and len(surname[0]) < len(name) and self._person_ok(name) \
                    and name[-1] not in self.follow1 and name not in self.places:
                if len(name) == 2 and k + 2 < len(tokens) and tokens[k + 1] == (b, b + 1) \
                        and HAN.fullmatch(text, b, b + 1) and text[b] not in self.follow1 \
                        and self.tags.get(text[b], "n") in ("n", "ng", "nr", "a", "ag") \
                        and self._follows(text, tokens, k + 2) and text[b : b + 1] not in self.stop_words:
                    b += 1  # 副教授|任梓|萱|参与: the name's last character jieba cut off
                elif len(name) == 2 and k + 1 < len(tokens) and tokens[k + 1][0] == b \
                        and tokens[k + 1][1] - b == 2 and self._follows(text, tokens, k + 2) \
                        and all(c in self.rules.foreign_chars for c in text[b : b + 2]) \
                        and self.tags.get(text[b : b + 2], "nr")[:2] == "nr":
                    b += 2  # 主席|冯德|莱恩|当天: a transliterated name jieba cut in two
                out.append((Entity(a, b, "PERSON", "person.title"), 1))
                continue
            # 市长|张|文县, 秘书|周|建华: a one-character surname and the given name jieba cut off
            if len(name) == 1 and surname and k + 1 < len(tokens) and self._follows(text, tokens, k + 2):
                c, d = tokens[k + 1]
                if 1 <= d - c <= 2 and HAN.fullmatch(text, c, d) and name != "和" \
                        and text[c:d] not in self.title_words \
                        and self.tags.get(text[c:d], "nr") not in STOP_TAGS \
                        and text[c:d] not in self.stop_words:
                    out.append((Entity(a, d, "PERSON", "person.title"), 1))
                continue
            # 州长|曲木|拉哈|赴, 盟长|那仁满|都|拉|在: a name jieba does not know, up to a verb after names
            run = k
            while run < len(tokens) and tokens[run][1] - a <= 5 and HAN.fullmatch(text, *tokens[run]):
                run += 1
                d = tokens[run - 1][1]
                # 副省长|纳杰|在, 主席|通伦|在: a two-character word jieba does not know, before a verb
                two = d - a == 2 and run == k + 1 and text[a:d] not in self.tags
                if (d - a >= 3 or two) and self._follows(text, tokens, run) \
                        and all(self._foreign_piece(text[x:y], x == a) for x, y in tokens[k:run]):
                    out.append((Entity(a, d, "PERSON", "person.title"), 1))
                    break
        return out

    def _foreign_piece(self, word: str, first: bool) -> bool:
        """A piece of a name jieba does not know: unknown or a personal name by its dictionary, or
        one character after the first piece (那仁满|都|拉); never a place or a word that follows a name."""
        if word in self.places or word in self.rules.follow:
            return False
        if not first and len(word) == 1:
            return True
        if word in self.stop_words:
            return False
        tag = self.tags.get(word)
        return tag is None or tag[:2] == "nr"

    def _follows(self, text: str, tokens: list[tuple[int, int]], k: int) -> bool:
        """Token k is punctuation, the end, or a word that follows a personal name (说, 介绍, 在)."""
        if k >= len(tokens):
            return True
        word = text[tokens[k][0] : tokens[k][1]]
        return word in self.rules.follow or word in ("回答", "带领", "主持", "介绍") or not HAN.match(word)

    def _person_ok(self, name: str) -> bool:
        if PERSON_NOT.search(name) or name[-1] in "了着过":
            return False  # 和省长, 和市委: a title or a body, no name
        if name[1:] in self.countries:
            return False  # 应|法国|总统: a verb and a country, no name
        # 和 is a surname only before a given name jieba does not know as a word (和良辉, not 和专家)
        return not name.startswith("和") or self.tags.get(name[1:], "nr")[:2] == "nr"

    def _town(self, text: str, tokens: list[tuple[int, int]], i: int, s: int, end: int) -> Entity | None:
        """永康市|古|山镇, 洱源县|茈|碧|湖镇: two or three characters between a county and 镇 or 乡,
        however jieba cut them, name a town."""
        j = i
        while j > 0 and tokens[j - 1][1] >= s - 3:
            j -= 1
        while j < i:
            a, b = tokens[j]
            if b <= s - 1 and text[a:b] in self.places and text[b - 1] in "县市区州旗" and 2 <= s - b <= 3:
                cut = [text[x:y] for x, y in tokens[j + 1 : i]] + [text[tokens[i][0] : s]]
                if HAN.fullmatch(text, b, s) and all(self.tags.get(w, "-") not in TOWN_STOP
                                                     for w in cut if w):
                    return Entity(b, end, "GPE", "gpe.town")
            j += 1
        return None

    def _host(self, text: str, edition: regex.Match) -> int:
        """杭州|第19届亚运会: a city right before a numbered edition hosts the event and belongs to it."""
        at = edition.start()
        if edition.group().startswith("第"):
            for k in range(min(7, at), 1, -1):
                if text[at - k : at] in self.places:
                    return at - k
        return at

    def _lead_verb(self, text: str, piece: tuple[int, int], known: bytearray, company: bool) -> bool:
        """收到|国家药品监督管理局: a verb of two characters or more opens no name; after a company's
        full name, nothing but a proper word opens the next one (…有限公司|控股|股东|潍柴…)."""
        a, b = piece
        word = text[a:b]
        if known[a] or word in self.rules.name_verbs:
            return False
        if b - a > 1 and self.tags.get(word) in ("v", "vd", "ad"):
            return True
        if b - a == 1 and word in ASKING:
            return True  # 请|国家发展改革委…: a verb of asking opens no name
        return company and not self._proper(word, a, known)

    def _cut_name(self, words: list[str]) -> bool:
        """磨|憨|口岸: two or three characters jieba cut one by one right before the suffix, from a
        name it does not know (not 做|大|做|强: adjectives and repeated characters)."""
        run = ""
        for w in reversed(words):
            if len(w) != 1:
                break
            run = w + run
        return 2 <= len(run) <= 3 and run not in self.tags and len(set(run)) == len(run) \
            and bool(HAN.fullmatch(run)) and not any(self.tags.get(c, "-")[:1] in "abmq" for c in run)

    def _line_name(self, text: str, piece: tuple[int, int], end: int) -> bool:
        """蒙内|铁路: a line's short name of two characters jieba does not know (its ends' short forms)."""
        word = text[piece[0] : piece[1]]
        return len(word) == 2 and text.endswith(LINE_WORDS, 0, end) and word not in self.tags \
            and bool(HAN.fullmatch(word))

    def _phase_cut(self, text: str, start: int, end: int) -> int:
        part = text.endswith("片区", 0, end)  # 大熊猫国家公园|四川片区: a province's part of a park
        for k in range(start + 2, end - 1):
            if text.endswith(self.fac_words, start, k) and (PHASE.fullmatch(text, k, end) or (
                    part and text.endswith("公园", start, k) and text[k : end - 2] in self.places)):
                return k
        return end

    def _parent(self, pieces: list[tuple[int, int]], known: bytearray, text: str) -> bool:
        """The name's first word is a whole gazetteer organization (国家统计局|四川调查总队)."""
        if not pieces:
            return False
        a, b = pieces[0]
        # 漳州|市委|常委会: a local body (市委, 县政府) belongs to the place before it
        return text[a:b] in self.org_terms and not (text[a] in "省市区县州" and b - a <= 3)

    def _media(self, name: str) -> bool:
        return name in self.org_terms or (len(name) <= 8 and name.endswith(MEDIA_WORDS))

    def _piece_ok(self, piece: str, at: int = 0, known: bytearray | None = None) -> bool:
        if known is not None and 0 not in known[at : at + len(piece)]:
            return True  # a gazetteer name (十堰, 长安) is a piece whatever its dictionary tag
        ok = self.word_ok.get(piece)
        if ok is None:  # the rest depends on the word alone: decided once per word
            if len(self.word_ok) > 200_000:  # bounded: a million articles bring new words without end
                self.word_ok.clear()
            ok = self.word_ok[piece] = self._word_ok(piece)
        return ok

    def _word_ok(self, piece: str) -> bool:
        if piece in self.rules.keep_words:
            return True
        if len(piece) >= 2 and piece[-1] in GLUED_END and piece not in self.tags:
            return False  # 周在|天门山…公园, 施一公在|…论坛: a preposition glued on the word before a name
        if len(piece) >= 2 and piece[0] in PREPOSITIONS and piece not in self.tags:
            return False  # 依法|对原|省政协: a preposition glued on the word after it
        if len(piece) >= 2 and piece[0] in MODALS and piece not in self.tags:
            return False  # 要筑牢|黄河流域, 可经|钦州港: a modal and a verb jieba did not know
        return bool(NAME_PIECE.fullmatch(piece)) and piece not in self.stop_words and piece[0] != "暨" \
            and not self.verb_re.match(piece) and self.tags.get(piece) not in STOP_TAGS \
            and not NUMERIC_PIECE.fullmatch(piece)

    def _law_piece(self, piece: str, at: int, known: bytearray) -> bool:
        """A plan's name may hold the verbs of plans (海南自由贸易港建设总体方案, 优化营商环境条例)."""
        return piece in self.rules.law_verbs or piece in self.rules.name_verbs \
            or self._piece_ok(piece, at, known)

    def _excluded(self, word: str) -> bool:
        """The word ends in a common word that only looks like a name's end (布局, 写字楼)."""
        exclude = self.rules.suffix_exclude
        return any(word[k:] in exclude for k in range(len(word) - 1))

    def _proper(self, piece: str, start: int, known: bytearray, strict: bool = False) -> bool:
        if 1 in known[start : start + len(piece)] or LATIN.search(piece):
            return True
        tag = self.tags.get(piece)
        if tag in PROPER_TAGS:
            return True
        # a word jieba does not know (桃花峪, 海昌) may be a name, not a cut through words (以元, 算力)
        return not strict and tag is None and len(piece) >= 2 and piece not in self.stop_words \
            and self.tags.get(piece[0]) not in LEAD_TAGS

    def _division_at(self, text: str, at: int, end: int, full: bool) -> int:
        """The length of the longest division name (a full name only if `full`) at `at`, before `end`."""
        room = end - at - 1
        for k in self.div_lengths.get(text[at : at + 1], ()):  # the name lengths starting with this character
            if k <= room:
                word = text[at : at + k]
                if word in self.div_level and (not full or word in self.div_full):
                    return k
        return 0

    def _fac_part(self, text: str, e: Entity) -> Entity:
        """西气东输|四线工程: a numbered line of a listed project is part of its name (a museum's hall,
        上海博物馆|东馆, is not: a part after a facility is cut, corpus/ANNOTATION.md)."""
        if e.rule in LANDMARK_RULES:
            line = NUMBERED_LINE.match(text, e.end)
            if line:
                return Entity(e.start, line.end(), e.label, e.rule)
        return e

    def _city(self, e: Entity) -> bool:
        """A city or county (not a province; Beijing, Tianjin, Shanghai and Chongqing are cities)."""
        if e.rule == "gpe.world_cities":
            return True
        return e.rule.startswith("gpe.division") and bool(e.code) \
            and (e.code[2:4] != "00" or e.code[:2] in MUNICIPALITIES)

    def _place_landmarks(self, text: str, tokens: list[tuple[int, int]], kept: list[Entity],
                         garden: bool) -> list[Entity]:
        """敦煌|莫高窟, 拉萨|大昭寺, 巴黎|爱丽舍宫, 苏州|拙政园: a city before a landmark (a temple, a
        grotto, a palace, a garden) is part of its name."""
        out: list[Entity] = []
        for e in kept:
            prev = out[-1] if out else None
            if prev and prev.end == e.start and e.label in JOINED[prev.label]:
                if e.label == "FAC" and e.rule in LANDMARK_RULES \
                        and (self._city(prev) if prev.label == "GPE" else text[prev.end - 1] == "山"):
                    out[-1] = Entity(prev.start, e.end, "FAC", e.rule)  # 拉萨|大昭寺, 嵩山|少林寺
                    continue
                if e.label == "ORG" and prev.rule in COUNTRY_RULES and e.rule not in self.suffix_ids:
                    out[-1] = Entity(prev.start, e.end, "ORG", e.rule)  # 美国|商务部, 中国|东方航空
                    continue
            out.append(e)
        if not garden:
            return out
        taken = {e.start for e in out}
        extra = []
        for e in out:  # 苏州|拙政园: a garden's name of three characters jieba knows as one word
            if e.label != "GPE" or not self._city(e):
                continue
            k = bisect.bisect_left(tokens, (e.end,))
            if k < len(tokens) and tokens[k][0] == e.end and tokens[k][1] - e.end == 3 \
                    and text[tokens[k][1] - 1] == "园" and e.end not in taken:
                word = text[e.end : tokens[k][1]]
                if word[1:] not in self.tags and HAN.fullmatch(word) \
                        and self.tags.get(word, "n") in ("n", "ns", "nr", "nz"):
                    extra.append((e, Entity(e.start, tokens[k][1], "FAC", "fac.garden")))
        for e, garden in extra:
            out[out.index(e)] = garden
        return out

    def _chains(self, text: str, kept: list[Entity], cuts: dict[tuple[int, int], int]) -> list[Entity]:
        out = []
        for e in kept:
            start = cuts.get((e.start, e.end))
            if start is not None and e.rule in self.suffix_ids:
                at = e.start
                while at < start:  # each level its own name
                    k = self._division_at(text, at, start + 1, False) or start - at
                    out.append(Entity(at, at + k, "GPE", "gpe.chain"))
                    at += k
                e = Entity(start, e.end, e.label, e.rule)
            out.append(e)
        return out

    def _chain_start(self, text: str, start: int, end: int, label: str) -> int:
        """云南省|西双版纳傣族自治州, 上海市|浦东新区, 河南|洛阳龙门石窟: a chain of divisions is one name
        per level; a division's full name before another division (or before a zone) is its own name,
        and so is a province's short form before a city."""
        while True:
            k = self._division_at(text, start, end, True)
            level = self.div_level.get(text[start : start + k]) if k else None
            if not k:
                k = self._division_at(text, start, end, False)
                level = self.div_level.get(text[start : start + k]) if k else None
                if level != "province":
                    return start
                nxt = self._division_at(text, start + k, end, False)
                if nxt and self.div_level.get(text[start + k : start + k + nxt]) == "city":
                    return start + k
                # 江西|婺源篁岭景区, 新疆|伊犁那拉提景区: a county's or prefecture's short form after it
                at = start + k
                if any(text[at : at + n] in self.places and self.div_level.get(text[at : at + n]) is None
                       for n in (2, 3) if at + n < end):
                    return at
                return start
            rest = start + k
            nxt = self._division_at(text, rest, end, False)
            if nxt and self.div_level.get(text[rest : rest + nxt]) != level:
                start = rest
                continue
            if label == "GPE" and end - rest >= 3 and not nxt:
                return rest  # 上海市|浦东新区, 武汉市|东湖新技术开发区: the zone is its own name
            return start

    def _suffix_ends(self, text: str, tokens: list[tuple[int, int]], starts: list[int],
                     ends: set[int]) -> dict[int, tuple[int, str, str, bool]]:
        """Where a suffix word ends a name's candidate, the longest suffix there (length, label, rule,
        tail_only); a suffix inside a token only before a title or a glued function word."""
        best: dict[int, tuple[int, str, str, bool]] = {}  # suffix end -> the longest suffix there
        for end_index, (length, label, rule, tail_only) in self.suffixes.iter(text):
            end = end_index + 1
            if end not in ends:
                # 宁夏回族自治区党委|书记 in one token: the body ends where a title begins
                i = bisect.bisect_right(starts, end_index) - 1
                rest = text[end : tokens[i][1]]  # 市工业和信息化局|已: a function word glued on
                # 阿拉善盟|委副|书记: 副 glued on before a title
                glued = rest == "副" and text.startswith(self.rules.titles, tokens[i][1])
                glued = glued or (rest == "上" and label == "EVENT")  # 论坛|年|会上: the event's 会 cut off
                if rest not in self.title_words and self.tags.get(rest) not in GLUED_TAGS and not glued:
                    continue
            if text.startswith(self.not_before.get(rule, ()), end):  # () matches nothing
                continue
            if rule in self.only_before and not text.startswith(self.only_before[rule], end):
                continue  # 奖杯, 一杯: a cup is an event only before a word of a match (…杯|决赛)
            if label == "ORG" and text.startswith("书记", end) and text.endswith(
                    TITLED_BODIES, 0, end - 2 if text.endswith("党委", 0, end) else end - length):
                continue  # 汾酒集团有限责任公司|党委书记, …大学|党委书记: the company or school, and a title
            if end not in best or best[end][0] < length:
                best[end] = (length, label, rule, tail_only)
        return best

    def _walk_back(self, text: str, tokens: list[tuple[int, int]], known: bytearray, single: set[int],
                   ends: set[int], i: int, s: int, end: int, label: str, rule: str,
                   pieces: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], bool]:
        """The words of a name before its suffix word, right to left, up to a stop (a verb, a function
        word, a parent body, a direction, a company, a bracket, …); and whether a company's full name
        ended the walk."""
        ts, te = tokens[i]
        j = i - 1
        station = text[end - 1] == "站"
        company = False
        first = pieces[0][0] if pieces else s
        chain = not pieces  # 市|投资|促进|局: verbs of a body's name stand right before its word
        limit = self.max_pieces.get(rule, 8)
        if label == "LAW" and pieces and text[ts:te] in self.org_terms \
                and not text.startswith(LEVEL_WORDS[1:], ts):
            limit = 0  # 作|最高人民法院|工作报告: a body's report starts at the body
        while j >= 0 and len(pieces) < limit:
            ps, pe = tokens[j]
            # 来郑|… stops a name; 在苏州|… (苏 of 苏州, a longer gazetteer name) does not
            lone = ps in single and not any(known[ps + 1 : pe])
            if pe != first or lone or (label == "ORG" and rule not in self.sub_units
                                       and self._parent(pieces, known, text)
                                       and not text.endswith(COMPANY_WORDS, 0, end)):
                break  # 在郑|省实验室; 水利部|淮河水利委员会: a body's name starts at its parent
            if rule in self.towns and (text[ps:pe] in self.places or (pe - ps == 1 and text[ps] in "市区县")):
                break  # 通山县|九宫山镇, 漠河|市|北极镇: the county is a name of its own
            if label == "FAC" and text.endswith("流域", ps, pe):
                break  # 大渡河流域|梯级电站: the river basin is a region, not part of the facility
            piece = text[ps:pe]
            if label == "FAC" and (piece in DIRECTIONS or (station and (piece.endswith(LINE_WORDS)
                                                                        or (piece in self.loc_terms
                                                                            and pieces)))):
                break  # 黄河|上游|…水电站, 渝昆高铁|重庆西站, 鄱阳湖|星子站: each its own name
            if station and piece.endswith(self.event_words):
                pieces = []
                break  # 滑雪世界杯|美国站: a leg of an event, no facility
            if label in ("ORG", "FAC") and pieces and piece.endswith(COMPANY_ENDS):
                company = True  # 潍柴动力股份有限公司|控股股东|潍柴…: one company ends, another starts
                break
            if label == "FAC" and piece[-1] in "团司" and piece.endswith(COMPANY_WORDS):
                break  # 中国广核集团|台山核电站: the company that runs a facility is its own name
            if len(piece) == 1 and piece in COMPLEMENTS and j > 0 and not known[ps] \
                    and self.tags.get(text[tokens[j - 1][0] : tokens[j - 1][1]]) == "v":
                break  # 做|大|做|强|宝鸡高新区, 守护|好|赤水河流域: a verb's complement
            if piece in ("(", "（") and not any(text[a:b] in (")", "）") for a, b in pieces):
                break  # (中国·郑州)|国际合作…中心: an unclosed bracket ends the name
            if piece in (")", "）") and not OPEN_BRACKET.search(text[max(0, ps - 9) : ps]):
                break  # (记者 赵婷婷)|瑞丽口岸: a bracket closed before the name ends it
            if piece[:1] in "—-" and DASHES.fullmatch(piece):  # the regex only where it may match
                break  # 跨境电商企业——致欧科技
            if piece == "”" and label in ("EVENT", "LAW"):  # “郑创汇”国际创新创业大赛
                open_at = text.rfind("“", max(0, ps - 12), ps)
                if open_at < 0 or not QUOTED.fullmatch(text, open_at + 1, ps):
                    break
                pieces.insert(0, (open_at, pe))
                first = open_at
                while j >= 0 and tokens[j][0] > open_at:
                    j -= 1
                if j >= 0 and tokens[j][0] == open_at:
                    j -= 1
                continue
            if piece in self.rules.joiners and label in ("ORG", "LAW", "EVENT") and pieces and j > 0:
                before = text[tokens[j - 1][0] : tokens[j - 1][1]]  # 工业|和|信息化|厅, not 大学和大学
                fits = self._piece_ok(before) or before in self.rules.name_verbs  # 发展|和|改革|委员会
                if tokens[j - 1][1] == ps and fits and before not in self.places \
                        and HAN.fullmatch(before) \
                        and (not before.endswith(self.joiner_stop) or before in self.rules.name_verbs):
                    pieces.insert(0, (ps, pe))
                    first = ps
                    j -= 1
                    continue
                break
            if (chain or rule in self.sub_units) and piece in self.rules.name_verbs \
                    and label in ("ORG", "EVENT"):
                pieces.insert(0, (ps, pe))
                first = ps
                j -= 1
                continue
            chain = False
            if label == "ORG" and ORDINAL_PIECE.fullmatch(piece) and not pieces \
                    and (run := ORDINAL_RUN.search(text, max(0, pe - 8), pe)) and run.start() in ends:
                pieces.insert(0, (run.start(), pe))  # 中国船舶集团|第七|〇|三|研究所
                first = run.start()
                while j >= 0 and tokens[j][0] >= run.start():
                    j -= 1
                continue
            if label == "ORG" and ORDINAL.fullmatch(piece):
                pieces.insert(0, (ps, pe))  # 曲靖市|第一|中学
                first = ps
                j -= 1
                continue
            fits = self._law_piece if label == "LAW" else self._piece_ok
            if label == "FAC" and not pieces and piece in self.after_parent and HAN.fullmatch(piece):
                pieces.insert(0, (ps, pe))  # 三门|核电站: a county's name before a facility
                first = ps
                j -= 1
                continue
            if label == "EVENT" and not pieces and piece in self.title_words and pe == s:
                pieces.insert(0, (ps, pe))  # 第二十一次|院士|大会: the members who meet
                first = ps
                j -= 1
                continue
            if not fits(piece, ps, known):
                break
            pieces.insert(0, (ps, pe))
            first = ps
            j -= 1
        return pieces, company

    def _place_boundaries(self, text: str, known: bytearray, pieces: list[tuple[int, int]], label: str,
                          rule: str, end: int) -> list[tuple[int, int]] | None:
        """A place before a name that is a name of its own (a district, a country, a city, a prefecture)
        is cut off, and so is a project before a facility; None: no name (欧洲|工厂)."""
        if label == "FAC" and len(pieces) > 1 and text[pieces[0][0] : pieces[0][1]] in self.counties \
                and (len(pieces) > 2 or text[pieces[1][0] : pieces[1][1]] in self.places):
            pieces.pop(0)  # 海淀区|中关村科学城, 柯桥区|中国|轻纺城: the district is its own name
        if label == "FAC" and len(pieces) > 1 and text[pieces[0][0] : pieces[0][1]] in self.countries \
                and (self._proper(text[pieces[1][0] : pieces[1][1]], pieces[1][0], known)
                     or self._line_name(text, pieces[1], end)) \
                and text[pieces[1][0] : pieces[1][1]] not in self.places:
            pieces.pop(0)  # 哈萨克斯坦|拉伊吉尔|金矿: the country before a named facility is its own name
        if label in ("GPE", "ORG") and rule not in self.towns and len(pieces) > 1 \
                and text[pieces[0][0] : pieces[0][1]] in self.places \
                and text[pieces[0][1] - 1] in "市省" \
                and text[pieces[1][0] : pieces[1][1]] not in self.places \
                and (self._proper(text[pieces[1][0] : pieces[1][1]], pieces[1][0], known, True)
                     if label == "GPE" else text[pieces[1][1] - 1] in "镇乡" and len(pieces) == 2):
            pieces.pop(0)  # 东莞市|松山湖|…开发区, 常熟市|海虞镇|党委: the city is its own name
        if label == "LOC" and len(pieces) > 1 and text[pieces[0][0] : pieces[0][1]] in self.places \
                and text[pieces[1][0] : pieces[1][1]] not in self.places \
                and self._proper(text[pieces[1][0] : pieces[1][1]], pieces[1][0], known, True):
            pieces.pop(0)  # 大理州|洱海|流域: the prefecture before a lake's basin is its own name
        if label == "FAC" and len(pieces) == 1 and text[pieces[0][0] : pieces[0][1]] in self.loc_terms \
                and text.endswith("工厂", 0, end):
            return None  # 欧洲|工厂: a region's works, no name
        if label == "FAC" and len(pieces) > 1:  # 控制性工程|色季拉山|隧道: the tunnel alone
            inner = [k for k, (a, b) in enumerate(pieces[:-1]) if text[a:b] in INNER_PHASE]
            if inner:
                pieces = pieces[inner[-1] + 1 :]
        return pieces

    def _event_part(self, text: str, words: list[str], label: str, rule: str, end: int,
                    edition: regex.Match | None) -> bool:
        """The event word names a part or a meeting of something named before it (a local body's
        meeting, a final of a named event, a press conference of a games, a society's yearly meeting)."""
        if label == "EVENT" and len(words) == 1 and words[0] in self.org_terms \
                and words[0][0] in "省市区县州" and len(words[0]) <= 3:
            return True  # 省政府|常务会议: a local body's meeting is no named event
        if label == "EVENT" and text.endswith(SUB_EVENTS, 0, end) \
                and any(w.endswith(self.event_words) for w in words):
            return True  # 世界女排联赛|总决赛, …电影节|金爵奖|颁奖典礼: a part of a named event
        if rule in self.needs_edition and len(words) >= 2 \
                and any(w.endswith(self.event_words) for w in words[:-1]):
            return True  # 第十五届全运会|新闻|发布会: the event is named at its own word, not at 会
        if label == "EVENT" and len(words) >= 2 and words[-1] in EVENT_TAIL \
                and words[-2].endswith(self.event_words):
            return True  # 第十九届亚运会|总结|大会: the event's own name is built at its word
        # 新加坡中资企业协会|年会: the society is named, not its yearly meeting
        return label == "EVENT" and text.endswith("年会", 0, end) and words[-1].endswith(SOCIETY_WORDS) \
            and not edition

    def _suffix_names(self, text: str, tokens: list[tuple[int, int]], starts: list[int],
                      ends: set[int], known: bytearray, single: set[int],
                      fac_inside: dict[int, int] | None = None) -> list[Entity]:
        """推动|中原|科技城|建设 -> 中原科技城: tokens before a suffix, up to a stop word."""
        if not tokens:
            return []
        best = self._suffix_ends(text, tokens, starts, ends)
        out = []
        for end, (length, label, rule, tail_only) in best.items():
            s = end - length
            if rule in self.needs_edition and "届" not in text[max(0, s - 30) : s]:
                continue  # 风筝会 with no edition before it: no name (a quick test before the full one)
            if rule in self.not_after_name \
                    and (text.endswith(self.all_suffixes, 0, s) or (s and known[s - 1])):
                continue  # 商务厅|组织|企业, 自然资源部|组织: after a name, 组织 is a verb
            i = bisect.bisect_right(starts, s) - 1
            ts, te = tokens[i]
            pieces: list[tuple[int, int]] = []
            if s > ts:  # the suffix ends a longer token: 省委宣传部, 黄鹤楼 (not 布局, 写字楼)
                word = text[ts:te]
                head = text[ts:s]
                if self._excluded(word) or self._excluded(text[ts:end]):
                    continue
                if rule in self.towns and (town := self._town(text, tokens, i, s, end)):
                    out.append(town)
                    continue
                if tail_only:  # 渭河, 滕王阁: one proper word, no gazetteer name (浙江), nothing before it
                    if end == te and not all(known[ts:te]) and NAME_PIECE.fullmatch(head) \
                            and self._proper(text[ts:te], ts, known, strict=True):
                        out.append(Entity(ts, te, label, rule))
                    continue
                # 安吉县|余村: a two-character village jieba does not know, right after its county
                village = rule in self.towns and i > 0 and word not in self.tags \
                    and text[tokens[i - 1][0] : tokens[i - 1][1]] in self.places
                # 武汉|光谷, 中国|声谷: a valley of an industry after its city or country (not 山谷, 低谷)
                valley = text[s] == "谷" and label == "FAC" and i > 0 and head not in VALLEY_NOT \
                    and text[tokens[i - 1][0] : tokens[i - 1][1]] in self.places
                if length == 1 and len(head) < 2 and te - ts < 3 and not village and not valley:
                    continue
                # 水口镇, 余村: a town's one word, unknown to jieba or known as a word of its own
                if rule in self.towns and te - ts <= 4 \
                        and (word not in self.tags or (te - ts >= 3 and word[-1] in "镇乡")):
                    out.append(Entity(ts, te, label, rule))
                    continue
                if not NAME_PIECE.fullmatch(head):
                    continue
                pieces.append((ts, s))
            elif tail_only:
                prev = text[tokens[i - 1][0] : tokens[i - 1][1]] if i > 0 and tokens[i - 1][1] == s else ""
                if te == end and prev in self.loc_terms and prev[-1] not in "江河湖山":
                    out.append(Entity(tokens[i - 1][0], end, label, rule))  # 湟水|河: a river's full name
                elif te == end and label == "FAC" and 2 <= len(prev) <= 4 \
                        and self.tags.get(prev) in ("ns", "nz") and not any(known[s - len(prev) : s]) \
                        and prev not in self.places and HAN.fullmatch(prev):
                    out.append(Entity(s - len(prev), end, label, rule))  # 明孝|陵: a proper noun and the word
                continue
            pieces, company = self._walk_back(text, tokens, known, single, ends, i, s, end, label, rule,
                                              pieces)
            # 收到|国家药品监督管理局, 拟|收购|天士力…: a name does not start with a verb
            while len(pieces) > 1 and label != "LAW" and self._lead_verb(text, pieces[0], known, company):
                pieces.pop(0)
            if rule in self.sub_units and length == 1 and not any(
                    text.endswith((*self.body_words, "部"), pieces[0][0], b) for _a, b in pieces):
                continue  # 外贸|司 alone: a department only after its body (商务部|外贸|司)
            if label == "LAW":  # 修改|地方组织法 -> 地方组织法: a plan's name does not start with a verb
                while pieces and not self._law_piece(text[pieces[0][0] : pieces[0][1]], pieces[0][0], known):
                    pieces.pop(0)
            edition = EDITION.search(text, max(0, (pieces[0][0] if pieces else s) - 10),
                                     pieces[0][0] if pieces else s) if label == "EVENT" else None
            if rule in self.needs_edition and not edition:
                continue  # 风筝会 alone: only 第四十一届…风筝会 is sure to be an event
            if not pieces:
                if edition and length >= 3:  # 第19届亚运会: the edition and the event's word
                    out.append(Entity(self._host(text, edition), end, label, rule))
                continue  # a bare suffix (实验室, 机场) names nothing
            pieces = self._place_boundaries(text, known, pieces, label, rule, end)
            if pieces is None:
                continue
            words = [text[a:b] for a, b in pieces]
            if (label == "EVENT" or rule in self.needs_edition) \
                    and self._event_part(text, words, label, rule, end, edition):
                continue
            start = pieces[0][0]
            glued_lead = False
            if text[start] in "年月日天" and start and (text[start - 1].isdigit() or text[start - 1] in "个半"
                                                         or NUMERIC_PIECE.match(text[start - 1])) \
                    and start + 1 < pieces[0][1]:
                start += 1  # 4个月|经二连浩特口岸: the date's unit glued on the next word
                glued_lead = True
            while start < min(pieces[0][1], end - 2) and text[start] in LEAD_CHARS \
                    and (words[0] not in self.tags or glued_lead):
                start += 1  # 经磨|憨|铁路口岸, 经港|珠澳大桥, 已获|省政府: a preposition glued on the name
            name = text[start:end]
            opened = name.count("(") + name.count("（")  # str.count: no regex per candidate
            if text[start] in "(（" or opened != name.count(")") + name.count("）"):
                continue  # 酒|厂|(集团)有限责任公司, 郑州)国际…中心: the name was cut inside a bracket
            if pieces and pieces[0][0] in single and not any(known[pieces[0][0] + 1 : pieces[0][1]]):
                continue
            if rule in self.placeless and words[-1].endswith("公司"):
                continue  # …集团有限公司|控股: a company's name ends before the word
            if rule in self.free and (len(words) >= 2 or self.max_pieces.get(rule) == 1):
                pass  # 粮食安全|保障|法: a statute needs no place in its name
            elif rule in self.with_year and YEAR_BEFORE.search(text, max(0, start - 5), start):
                pass  # 北海市2024年|国民经济和社会发展统计公报: the year names the communiqué
            elif label == "EVENT" and edition and edition.group().startswith(("第", "首")):
                pass  # 第九届东方经济论坛: a numbered edition names the event
            elif not any(self._proper(w, a, known, rule in self.strict)
                         and not (rule in self.placeless and w in self.places)
                         for w, (a, _) in zip(words, pieces)) \
                    and not (label == "FAC" and s > ts and self.tags.get(text[ts:te]) in PROPER_TAGS
                             and rule not in self.strict) \
                    and not (label == "ORG" and s > ts == pieces[0][0] and rule not in self.placeless
                             and self.tags.get(text[ts:te]) == "nt") \
                    and not (label == "FAC" and words[0] in self.after_parent and rule not in self.strict) \
                    and not (rule not in self.strict and self._cut_name(words)) \
                    and not (label == "FAC" and len(words) == 1 and self._line_name(text, pieces[0], end)) \
                    and not (label == "ORG" and COMPANY_BRACKET.search(text, start, end)):
                generic = [w for w in words if w in self.rules.generic_heads]
                heads = rule in self.generic_ok
                local = heads and words[0] in ("省", "市", "区", "县", "州", "镇", "乡", "自治区", "自治州")
                if not local and not (generic and len(words) >= 2 and heads):
                    continue  # 国家实验室, 旅游度假区, 对外开放通道: no proper part, no name
            if edition:  # 第136届广交会, 2024中关村论坛: the edition belongs to the name
                start = self._host(text, edition)
            if rule in self.with_year:
                year = YEAR_BEFORE.search(text, max(0, start - 5), start)
                if year:  # 2024年潍坊市…统计公报: the year is in the communiqué's title
                    start = year.start()
                    place = next((k for k in range(min(7, start), 1, -1)
                                  if text[start - k : start] in self.places), 0)
                    start -= place  # 北海市2024年…统计公报: the place before the year too
            if label == "FAC":  # 阜阳西站|改扩建工程, 拉萨贡嘎国际机场|新航站楼: the facility alone
                end = self._phase_cut(text, start, end)
                if text[start] in PHASE_FIRST and PHASE.fullmatch(text, start, end):
                    continue  # 扩建工程T3航站楼, 改扩建工程: a phase alone names nothing
                if fac_inside and start in fac_inside:
                    start = fac_inside[start]  # 港珠澳|大桥珠海公路口岸: the facility the name starts in
                if text[start:s] in self.org_terms and text[s - 1] in BODY_ENDS \
                        and text.endswith("中心", 0, end):
                    label = "ORG"  # 文化和旅游部|数据中心: a body's centre is a unit of the body
            if start > 0 and text[start - 1] == "“" and text.startswith("”", end) and label != "EVENT":
                continue  # “中国动力谷”: a name in a slogan's quotes is not annotated
            place = PLACE_AFTER.match(text, end) if label in ("FAC", "ORG", "EVENT") else None
            if place and place.group(1) in self.places:  # 国家会展中心(上海)
                end = place.end()
            out.append(Entity(start, end, label, rule))
        return out


COUNTRY_RULES = frozenset({"gpe.countries", "gpe.world_countries"})
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})  # 北京, 天津, 上海, 重庆: province-level cities
NUMBERED_LINE = regex.compile(r"[一二三四五六七八九十]线(?:工程)?")
JOINED = {"GPE": ("FAC", "ORG"), "LOC": ("FAC",)}  # a place before a landmark or a body may join it
JOINED.update({label: () for label in LABEL_RANK if label not in JOINED})
LANDMARK_RULES = frozenset({"fac.landmarks", "fac.china_landmarks", "fac.tail_suffix", "fac.known"})
# a country's government or cabinet is one ORG with it (美国国务院, 法国政府)
COUNTRY_BODIES = ("国务院", "政府", "内阁", "议会", "国会")
# 湾区, 口岸, 口罩: the character after 湾 or 口 that makes it a word of its own, no bay or estuary
BAY_NOT = frozenset("区岸罩号径子头碑味气语音腔感吻水服供内外")
# words in 部 that are no ministry (东部, 总部, 俱乐部)
NOT_MINISTRY = frozenset({"全部", "局部", "内部", "外部", "总部", "干部", "俱乐部", "本部",
                          "东部", "西部", "南部", "北部", "中部", "东北部", "西北部", "东南部",
                          "西南部", "中西部", "南北部", "腹部", "头部"})
LEAD_PERSON_NEXT = frozenset({"在", "以", "夺得", "获得", "战胜", "击败", "当选", "表示", "说", "率队",
                              "宣布", "包揽", "同"})
YEAR_BEFORE = regex.compile(r"(?<!\d)(?:19|20)\d\d年$")
EVENT_CODE = regex.compile(r"[A-Z]{2,5}\d{1,3}(?![\dA-Za-z])")
YEARLY = regex.compile(r"(?:(?:19|20)\d\d年?)?年会")


_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _columns(tokens: list[tuple[int, int]]) -> tuple[list[int], set[int]]:
    """The tokens' starts (sorted: a character's token is the last one starting at or before it)
    and the set of their ends, made once per text."""
    return list(map(_FIRST, tokens)), set(map(_SECOND, tokens))


def _top_level_or(pattern: str) -> bool:
    """Whether the pattern has a | outside every group and class (a branch need not start with
    what the pattern starts with)."""
    depth, in_class, k = 0, False, 0
    while k < len(pattern):
        c = pattern[k]
        if c == "\\":
            k += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            return True
        k += 1
    return False


def _lead_words(pattern: str) -> tuple[str, ...]:
    """The words of a lookbehind that opens the pattern: (?<=任命|聘任) or (?<=[来在赴]); () for
    any other start."""
    if m := LEAD_ALTERNATIVES.match(pattern):
        return tuple(m.group(1).split("|"))
    if m := LEAD_CLASS.match(pattern):
        return tuple(m.group(1))
    return ()


def _ends_of(text: str, words: tuple[str, ...]) -> list[int]:
    """Where an occurrence of any of the words ends, sorted."""
    ends = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            ends.add(at + len(word))
            at = text.find(word, at + 1)
    return sorted(ends)


def _matches_at(pattern: regex.Pattern, text: str, starts: list[int]):
    """pattern.finditer(text) when a match can only start at one of the sorted `starts`: the
    same matches, non-overlapping, leftmost first, without trying every other position."""
    done = 0
    for at in starts:
        if at >= done and (m := pattern.match(text, at)):
            done = m.end()
            yield m


def _event_span(text: str, e: Entity) -> Entity:
    """第136届|广交会, 博鳌亚洲论坛|2024年年会: an edition before and a yearly session after belong to it."""
    start, end = e.start, e.end
    edition = EDITION.search(text, max(0, start - 10), start)
    if edition:
        start = edition.start()
    after = YEARLY.match(text, end)
    if after and not text.endswith("年会", start, end):
        end = after.end()
    elif end < len(text) and "A" <= text[end] <= "Z" and (code := EVENT_CODE.match(text, end)):
        end = code.end()  # 联合国气候变化大会|COP30: the session's code belongs to it
    if (start, end) == (e.start, e.end):
        return e
    return Entity(start, end, e.label, e.rule, e.normalized, e.code)


def _body_sessions(text: str, kept: list[Entity]) -> list[Entity]:
    """中国科学院|第二十一次院士大会: a numbered meeting right after a body or a forum is the body's
    meeting, one EVENT from the body's name on."""
    joins = [k for k in range(1, len(kept)) if kept[k].label == "EVENT" and text[kept[k].start] == "第"
             and kept[k - 1].end == kept[k].start and kept[k - 1].label in ("ORG", "EVENT")
             and SESSION_START.match(text, kept[k].start)]
    if not joins:
        return kept
    out = list(kept)
    for k in reversed(joins):  # right to left: a merged name may join the one before it again
        out[k - 1 : k + 1] = [Entity(out[k - 1].start, out[k].end, "EVENT", out[k].rule)]
    return out


def _resolve(found: list[tuple[Entity, int]]) -> list[Entity]:
    """Longest first, then priority (patterns, gazetteers, built names), then label rank."""
    order = sorted(found, key=lambda f: (-(f[0].end - f[0].start), -f[1], LABEL_RANK[f[0].label],
                                         f[0].start))
    kept: list[Entity] = []
    taken = bytearray(max((f[0].end for f in found), default=0))
    for entity, _ in order:
        if 1 in taken[entity.start : entity.end]:
            continue
        kept.append(entity)
        taken[entity.start : entity.end] = b"\x01" * (entity.end - entity.start)
    return sorted(kept, key=lambda e: e.start)


def _propagate_persons(text: str, kept: list[Entity]) -> list[Entity]:
    """A name found once (市长何雄) is a name wherever else it stands free (何雄表示)."""
    names = {text[e.start : e.end] for e in kept if e.label == "PERSON" and e.end - e.start >= 2}
    if not names:
        return kept
    taken = bytearray(len(text))
    for e in kept:
        taken[e.start : e.end] = b"\x01" * (e.end - e.start)
    extra = []
    for name in names:
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            if not any(taken[at:end]):
                extra.append(Entity(at, end, "PERSON", "person.again"))
                taken[at:end] = b"\x01" * len(name)
            at = text.find(name, end)
    return sorted(kept + extra, key=lambda e: e.start) if extra else kept


_MATCHERS: dict[str, EntityMatcher] = {}


def entity_matcher_for(rules: EntityRules, actions: tuple[str, ...] = ()) -> EntityMatcher:
    key = rules.fingerprint + str(hash(actions))
    if key not in _MATCHERS:
        _MATCHERS[key] = EntityMatcher(rules, actions)
    return _MATCHERS[key]
