"""Entities: per-label exact F1 on hand-written sentences (nine files, each with its floors), and the
corpus bar."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractor.evaluate import evaluate

from .conftest import CORPUS

SPEC = Path(__file__).parent / "spec_entities"
LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "LAW", "EVENT")


def _locate(text: str, pairs: list[list[str]]) -> set[tuple[int, int, str]]:
    out, pos = set(), 0
    for name, label in pairs:
        start = text.find(name, pos)
        assert start >= 0, f"{name!r} not found in order in {text!r}"
        out.add((start, start + len(name), label))
        pos = start + len(name)
    return out


def _scores(pipe, path: Path) -> tuple[dict[str, float], list[str]]:
    """Exact span-and-label F1 per label over one file, and the misses and spurious names."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    assert cases, f"no entity spec sentences in {path.name}"
    tally = {label: [0, 0, 0] for label in LABELS}  # tp, gold, predicted
    wrong = []
    for case in cases:
        gold = _locate(case["text"], case.get("entities") or [])
        got = {(r.start, r.end, r.label) for r in pipe(case["text"]) if r.type == "entity"}
        for s, e, label in gold:
            tally.setdefault(label, [0, 0, 0])[1] += 1
            tally[label][0] += (s, e, label) in got
        for *_, label in got:
            tally.setdefault(label, [0, 0, 0])[2] += 1
        wrong += [f"-{case['text'][s:e]}/{lab}" for s, e, lab in gold - got]
        wrong += [f"+{case['text'][s:e]}/{lab}" for s, e, lab in got - gold]
    report = {}
    for label, (tp, g, p) in tally.items():
        if g or p:
            prec, rec = tp / p if p else 0.0, tp / g if g else 0.0
            report[label] = round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0
    return report, wrong


# sentences.yaml: the first hand-written set. Its misses were read while the rules and the general
# gazetteers grew, so these figures flatter unseen text. Measured (exact F1): PERSON 1.00, ORG 0.99,
# EVENT 0.99, LOC 0.99, LAW 0.97, FAC 0.97, GPE 0.97. The floors sit a little below.
SENTENCE_FLOORS = {"PERSON": 0.95, "ORG": 0.95, "GPE": 0.93, "LOC": 0.95, "FAC": 0.93, "LAW": 0.93,
                   "EVENT": 0.95}

# heldout.yaml: 218 sentences written and annotated by hand before the rules were changed against
# them (score then: PERSON 0.80, ORG 0.71, GPE 0.73, LOC 0.42, FAC 0.70, LAW 0.88, EVENT 0.57; all
# 0.70). The rules were then made general (suffix automaton, dictionary tags, patterns), never fed
# its names one by one; but the general gazetteers (world.yaml, china_org.yaml, china_geo.yaml:
# countries, central bodies and SOEs, large companies, universities, rivers and regions) come from
# the same general knowledge the sentences were written from and hold many of their names. Measured
# now: PERSON 1.00, EVENT 1.00, LAW 1.00, LOC 0.99, ORG 0.98, GPE 0.98, FAC 0.94 (all 0.98); with
# those three gazetteer files switched off, by the rules alone: PERSON 1.00, EVENT 1.00, LAW 0.98,
# FAC 0.92, GPE 0.91, ORG 0.91, LOC 0.79 (all 0.92). The floors sit a little below the full figures.
HELDOUT_FLOORS = {"PERSON": 0.95, "ORG": 0.95, "GPE": 0.95, "LOC": 0.95, "FAC": 0.90, "LAW": 0.95,
                  "EVENT": 0.95}

# blind.yaml: 172 sentences written and annotated by another writer apart from the rules (never
# reading them) and scored once before any change against it: PERSON 0.93, LAW 0.93, ORG 0.90,
# EVENT 0.89, GPE 0.83, FAC 0.81, LOC 0.73 (pooled 0.86). It was then used as a development set:
# its misses were read and the rules made more general (long organisation names, facility and road
# suffixes, phases after a facility, towns and prefectures, party congresses and edition events,
# bylines and titles), never fed its names. Measured after that: PERSON 1.00, LAW 1.00, EVENT 1.00,
# ORG 0.994, GPE 0.993, FAC 0.978, LOC 0.847 (流域 and 上游地区 kept in the name, the convention
# of the corpus gold, where this writer leaves them out; so LOC stays under the 0.85 bar here).
# These figures flatter unseen text: a new blind set will score lower. The floors sit a little below.
BLIND_FLOORS = {"PERSON": 0.95, "ORG": 0.95, "GPE": 0.95, "LOC": 0.82, "FAC": 0.93, "LAW": 0.95,
                "EVENT": 0.95}

# blind2.yaml: 228 sentences (491 mentions) written and annotated by a second writer apart from the
# rules (never reading them or running the tool) and scored once before any change against it:
# PERSON 0.818, ORG 0.864, GPE 0.865, LOC 0.725, FAC 0.727, LAW 0.945, EVENT 0.813 (pooled P 0.855,
# R 0.794, F1 0.824). It was then used as a development set: its misses were read and the rules made
# more general (official bodies such as 行政公署, 调查队, 指挥部, 附属医院 and X和Y局; brackets inside
# names; sessions after an autonomous region, CPPCC sessions; persons after a title however jieba cut
# them, before a title, with a middle dot, four-character bylines; railways, grottoes, scenic areas,
# trade cities; a glued preposition cut off; five-year plans and communiqués with place and year),
# never fed its names. Measured after that: PERSON 0.987, EVENT 0.986, LAW 0.982, ORG 0.960, GPE 0.920,
# FAC 0.849, LOC 0.742. LOC stays low partly by convention: this writer leaves 流域 out of X流域,
# which the guide keeps (ANNOTATION.md); FAC and GPE still miss names with no suffix or list entry.
# These figures flatter unseen text: a third blind set will score lower. The floors sit a little below.
# After blind6.yaml's round: LOC 0.787, FAC 0.879 (pooled F1 0.925); those two floors raised.
# After blind7.yaml's round: FAC 0.890, ORG 0.965 (pooled F1 0.930); the FAC floor raised.
BLIND2_FLOORS = {"PERSON": 0.95, "ORG": 0.93, "GPE": 0.89, "LOC": 0.75, "FAC": 0.86, "LAW": 0.95,
                 "EVENT": 0.95}

# blind3.yaml: 270 sentences (505 mentions) written and annotated by a third writer apart from the
# rules (never reading them or running the tool) and scored once before any change against it:
# PERSON 0.879, ORG 0.918, GPE 0.915, LOC 0.894, FAC 0.771, LAW 0.970, EVENT 0.935 (pooled P 0.916,
# R 0.883, F1 0.899). It was then used as a development set: its misses were read and the rules made
# more general (a terminal or hub after a facility cut off, a facility starting after an inner 工程,
# line names X高铁/X高速/跨海通道, 核电站, 滑雪场, 奥体中心, a county before a facility; branches 分行,
# 分院, 调查中心; embassies; a country's ministry; dotted names with a hyphen, two-character names
# after a title, names after 聘任; city + games events; a court's work report; autonomous counties
# written X县; a direction after a river left out), never fed its names. Measured after that:
# PERSON 0.983, ORG 0.980, GPE 0.967, LOC 0.989, FAC 0.939, LAW 1.000, EVENT 1.000. Left: museums
# and theatres (ORG for this writer, FAC by the rules; the guide does not pin them), foreign cities
# and provinces not in the lists, names with no suffix (宽窄巷子). Cutting T5航站楼 and 综合交通枢纽
# after a facility, as the guide and this writer do, costs heldout.yaml and sentences.yaml (whose
# writers kept them) three FAC mentions. These figures flatter unseen text. The floors sit a little below.
BLIND3_FLOORS = {"PERSON": 0.95, "ORG": 0.95, "GPE": 0.93, "LOC": 0.95, "FAC": 0.91, "LAW": 0.95,
                 "EVENT": 0.95}

# blind4.yaml: 339 sentences (666 mentions) written and annotated by a fourth writer apart from the
# rules (never reading them or running the tool) and scored once before any change against it:
# PERSON 0.885, ORG 0.856, GPE 0.861, LOC 0.863, FAC 0.821, LAW 1.000, EVENT 0.943 (pooled P 0.892,
# R 0.856, F1 0.874). It was then used as a development set: its misses were read and the rules made
# more general (no verb, modal or verb complement opens a name: 收到|…局, 要筑牢|…流域, 做大做强|…;
# a date's unit glued on 经; a company's full name ends at 有限公司 before the next one; units of a
# body keep its name: a ministry's 司 and 研究室, hospitals and centres after a place or university;
# works, mines and oil fields; names in a list ending in 等, names between an institution or a title
# and a post-title; a city before a numbered edition), never fed its names. Measured after that:
# PERSON 0.932, ORG 0.937, GPE 0.897, LOC 0.935, FAC 0.897, LAW 1.000, EVENT 0.962 (pooled P 0.944,
# R 0.913, F1 0.928). Left: companies with no suffix (三一重能, 海螺水泥), foreign cities and provinces
# not in the lists, 京津冀 as a region (a GPE short form in the lists), foreign ministries with a list
# of trades (贸易、工业和竞争部), villages jieba cuts (东头|村). These figures flatter unseen text.
# The floors sit a little below. After blind6.yaml's round: FAC 0.919, ORG 0.942 (pooled F1 0.935);
# the FAC floor raised. After blind7.yaml's round: FAC 0.925, ORG 0.947 (pooled F1 0.938); FAC raised.
BLIND4_FLOORS = {"PERSON": 0.90, "ORG": 0.91, "GPE": 0.87, "LOC": 0.91, "FAC": 0.90, "LAW": 0.95,
                 "EVENT": 0.93}

# blind5.yaml: 307 sentences (529 mentions) written and annotated by a fifth writer apart from the
# rules (never reading them or running the tool), added after the last change to the rules and
# scored once before any change against it: PERSON 0.851, ORG 0.852, GPE 0.787, LOC 0.766, FAC 0.733,
# LAW 1.000, EVENT 0.911 (pooled P 0.840, R 0.813, F1 0.826). It was then used as a development set:
# its misses were read and the rules made more general (sports clubs and teams: a place or proper word
# and 队, 俱乐部, 女排; a body's 分会, 专业委员会, 管理中心 after it; an institute's code number however
# jieba cut it; 事务所, 天文台; a local body after its place, 漳州|市委|常委会; bays and estuaries after
# a city or a river, 湾 and 澳 ending a proper word; a place before a lake's basin is its own name;
# venues, telescopes, old towns, building groups, pipelines, 旅游区, 数据中心集群, 现代化都市圈; a
# repair, automation or main project after a facility cut off; anonymised names 刘某某; names with two
# middle dots and long first parts; a name's last character jieba cut off after a title; a country's
# government or cabinet; verbs such as 通报, 战胜, 续聘 and 股东 open no name), never fed its names.
# Measured after that: PERSON 0.970, ORG 0.944, GPE 0.870, LOC 0.907, FAC 0.852, LAW 1.000,
# EVENT 0.932 (pooled P 0.923, R 0.909, F1 0.916). Left: a year without 年 before an event
# (2025厦门马拉松: this writer leaves it out, heldout.yaml's writer keeps it, 2024世界人工智能大会),
# a terminal after an airport (T3B航站楼, kept by heldout.yaml's writer), 合作区 (GPE or FAC by writer),
# canals as FAC (京杭大运河 is LOC in the lists), names with no suffix (世界田联, 鼓浪屿), foreign bodies
# and meetings with no suffix, villages jieba cuts. These figures flatter unseen text: a sixth blind
# set will score lower. The floors sit a little below.
# After blind7.yaml's round: GPE 0.880, FAC 0.873, EVENT 0.952, ORG 0.950 (pooled F1 0.926); the GPE,
# FAC and EVENT floors raised.
BLIND5_FLOORS = {"PERSON": 0.94, "ORG": 0.91, "GPE": 0.85, "LOC": 0.87, "FAC": 0.84, "LAW": 0.95,
                 "EVENT": 0.92}

# blind6.yaml: 388 sentences (692 mentions) written and annotated by a sixth writer apart from the
# rules (never reading them or running the tool) and scored once before any change against it:
# PERSON 0.894, ORG 0.923, GPE 0.907, LOC 0.914, FAC 0.798, LAW 0.988, EVENT 0.866 (pooled P 0.924,
# R 0.876, F1 0.899). It was then used as a development set: its misses were read and the rules made
# more general (a direction after a river, a line before its station and a company's full name end a
# facility; a phase alone names nothing; a hub after a facility cut off; a name built inside a listed
# facility starts at it; a district or city before a named place or zone, and a city before a town's
# body, is its own name; a body's centre is ORG; national key laboratories and engineering centres by
# their field; 组织 names an organization after a proper word, not after a name (a verb there); a
# body's numbered meeting 第…届/次 is one EVENT with it; a standing meeting of a named body, world cups,
# numbered dialogues, 部长级会议; a meeting about an event and a society's yearly meeting name no
# event; names listed after a titled name, three-character names unknown to jieba opening a sentence
# before 在 or 以, a team's leader after the institution, 王某 after 被告人; verbs 会同, 授权, 参观,
# 收购, 扩建 end a name; furniture, textile and building-material markets), never fed its names.
# Measured after that: PERSON 0.970, ORG 0.973, GPE 0.933, LOC 0.940, FAC 0.920, LAW 0.988,
# EVENT 0.990 (pooled P 0.969, R 0.945, F1 0.957, with rockets and spacecraft named by their number
# as PRODUCT). Left: companies, clubs and foreign cities with no
# suffix (穆迪, 上海申花, 万隆), towns and villages jieba cuts (北|滘|镇, 大湾|镇海|嘎村), names in quotes
# (“中国天眼”), a numeral in a line's name (西气东输三线). Against the other sets' writers: 国务院 in
# 国务院副总理 is left out here, 西部陆海新通道 is no FAC here (FAC for
# the writers of sentences.yaml, heldout.yaml and blind2.yaml), and 雅鲁藏布江 is
# cut out of 雅鲁藏布江下游水电工程 as the guide's direction rule says (heldout.yaml keeps the whole, one
# FAC mention lost there). These figures flatter unseen text: a seventh blind set will score lower.
# The floors sit a little below.
BLIND6_FLOORS = {"PERSON": 0.94, "ORG": 0.94, "GPE": 0.90, "LOC": 0.91, "FAC": 0.89, "LAW": 0.95,
                 "EVENT": 0.95}

# blind7.yaml: 449 sentences (918 mentions) written and annotated by a seventh writer apart from the
# rules (never reading them or running the tool) and scored once before any change against it:
# PERSON 0.848, ORG 0.929, GPE 0.810, LOC 0.820, FAC 0.729, LAW 0.981, EVENT 0.803 (pooled P 0.852,
# R 0.812, F1 0.831). It was then used as a development set: its misses were read and the rules made
# more general (a chain of divisions is one GPE per level: a division's full name before another
# division or a zone, a province's short form before a city, a township before its village; a city
# before a listed landmark or a garden's word, a mountain before its temple, a country before a listed
# body join them; 庙, 长城, 光源, 中子源, 国道, 快线; a line's short name jieba does not know; a
# company, a lake, an event or 干线 before a facility ends it; 示范工程 cut; power transmission
# projects by their ends and voltage; numbered lines of a listed project; cooperation zones with an
# administration GPE as the guide pins; a body before a session, CPPCC sessions written 政协X第N届
# 委员会, a session's code (COP30), 香港|特区, national meetings of heads, 总决赛 and 颁奖典礼;
# titles 审计长, 董事, 主任医师, 导演, 作家, names after a comma before 宣布 or 包揽; 政协 and 立法会
# as a body's word), never fed its names. Measured after that: PERSON 0.908, ORG 0.955, GPE 0.905,
# LOC 0.843, FAC 0.841, LAW 0.991, EVENT 0.898 (pooled P 0.913, R 0.887, F1 0.899). Left: names with
# no suffix (中国天眼, 东方超环, 国台办, 上海申花), bare names opening a clause (王毅同…), a year with
# 年 before an event (kept by this writer, left out by blind4, blind5 and blind6's), a museum's hall
# (上海博物馆东馆: kept here, cut by blind6's writer and the guide's part rule), 京津冀 as a region,
# typhoons as events, a city before a lake (杭州西湖). Against the other sets' writers: 横琴 and
# 前海合作区 are GPE now (the guide), heldout.yaml's writer has FAC (one mention lost there); power
# transmission projects are FAC here and unannotated in blind6.yaml. These figures flatter unseen
# text: an eighth blind set will score lower. The floors sit a little below.
BLIND7_FLOORS = {"PERSON": 0.88, "ORG": 0.93, "GPE": 0.88, "LOC": 0.82, "FAC": 0.81, "LAW": 0.95,
                 "EVENT": 0.87}

# blind8.yaml: 425 sentences, 903 mentions, by an eighth writer who never saw the rules, written
# while blind7's round ran. Scored once after that round (the honest figure for unseen text):
# PERSON 0.868, ORG 0.888, GPE 0.902, LOC 0.852, FAC 0.745, LAW 0.962, EVENT 0.828 (pooled P 0.893,
# R 0.841, F1 0.866). Its misses were then read for two general boundary fixes only, no names fed:
# an unknown word ending in a glued preposition (施一公在|…论坛) opens no name, and a power line's
# ends hold no function word (建设的|陇东至山东…工程). After them: PERSON 0.874, ORG 0.891, GPE
# 0.902, LOC 0.852, FAC 0.755, LAW 0.962, EVENT 0.844 (F1 0.870). Left: facilities with no suffix
# word (主席府, 首相官邸, 留园, 正阳门, 西夏陵, 500米口径球面射电望远镜), sports events named by a
# cup or a nickname (苏迪曼杯, 村超), typhoons, a province before a scenic area (kept by the guide,
# left out by this writer). FAC is under the bar on unseen text; the floors sit a little below.
BLIND8_FLOORS = {"PERSON": 0.85, "ORG": 0.87, "GPE": 0.88, "LOC": 0.83, "FAC": 0.73, "LAW": 0.94,
                 "EVENT": 0.82}
BAR = 0.85  # the bar, per label


@pytest.mark.parametrize(("name", "floors"), [("sentences.yaml", SENTENCE_FLOORS),
                                              ("heldout.yaml", HELDOUT_FLOORS),
                                              ("blind.yaml", BLIND_FLOORS),
                                              ("blind2.yaml", BLIND2_FLOORS),
                                              ("blind3.yaml", BLIND3_FLOORS),
                                              ("blind4.yaml", BLIND4_FLOORS),
                                              ("blind5.yaml", BLIND5_FLOORS),
                                              ("blind6.yaml", BLIND6_FLOORS),
                                              ("blind7.yaml", BLIND7_FLOORS),
                                              ("blind8.yaml", BLIND8_FLOORS)])
def test_entity_labels_on_hand_written_sentences(pipe, name, floors):
    report, wrong = _scores(pipe, SPEC / name)
    assert set(LABELS) <= set(report), f"{name} must hold every label: {report}"
    low = {k: v for k, v in report.items() if k in LABELS and v < floors.get(k, BAR)}
    assert not low, f"{name}: labels under their floor: {low}; all: {report}; wrong: {wrong[:40]}"


def test_heldout_covers_every_label_and_is_its_own_file():
    cases = yaml.safe_load((SPEC / "heldout.yaml").read_text(encoding="utf-8"))
    counts = {label: 0 for label in LABELS}
    for case in cases:
        for _, label in case["entities"]:
            counts[label] += 1
    assert len(cases) >= 150 and min(counts.values()) >= 25, counts
    sentences = {c["text"] for c in yaml.safe_load((SPEC / "sentences.yaml").read_text(encoding="utf-8"))}
    assert not sentences & {c["text"] for c in cases}


# The entities issue asks for exact F1 >= 0.85 on the corpus gold; the rules reach 0.88 (EVENT 0.83,
# FAC 0.76 fall short: the corpus's shops, hotels and streets have no suffix to find them by).
CORPUS_FLOOR = 0.86


def test_entity_floor_on_the_corpus(pipe):
    figures = evaluate(CORPUS, pipe)["entities"]
    assert figures["exact"]["ALL"]["f1"] >= CORPUS_FLOOR, figures["exact"]
