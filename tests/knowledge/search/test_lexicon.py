"""The colloquial lexicon: how its lines are read, how phrases match a query, and what that does to
the order of results on a small corpus (not the relevance sets' articles)."""

from __future__ import annotations

import time

import pytest

from knowledge.search import lexicon, tokenizer
from knowledge.search.interface import search
from knowledge.search.lexicon_data import LEXICON

from .helpers import indexed_article


def targets_found(lex: lexicon.Lexicon, query: str) -> set[str]:
    return {"".join(t) for _covered, targets, _n in lex.matches(tokenizer.lexemes(query)) for t in targets}


def small(text: str) -> lexicon.Lexicon:
    out = lexicon.Lexicon()
    for entry in lexicon.parse_lines(text):
        out.add(entry)
    return out


# --- reading lines and matching phrases (no database) ------------------------------------------


def test_an_everyday_noun_stands_for_the_manual_noun_inside_a_phrase():
    lex = small("사이즈 <= 치수\n교환 <= 사이즈 바꾸")
    assert "교환" in targets_found(lex, "치수 바꾸고 싶어요")
    assert "교환" in targets_found(lex, "사이즈 바꾸고 싶어요")
    # the alias is one way: the manual noun does not stand for the everyday one
    assert targets_found(small("사이즈 <= 치수\n측정 <= 치수 재"), "사이즈 재 주세요") == set()


def test_a_manual_word_kiwi_cuts_to_one_syllable_is_kept_as_written():
    # Kiwi reads 착불 alone as 착 (adverb) + 불 (fire), 위임 as 위: a target of 불 or 위 would
    # credit every article about fire or "above".
    for word, phrase in (("착불", "받는 사람이 돈 내"), ("위임", "대신 처리")):
        entries = lexicon.parse_entry([word], [phrase])
        assert entries and {e.targets for e in entries} == {((word,),)}
    assert "불" not in targets_found(small("착불 <= 받는 사람이 돈 내"), "가스 회사 사람이 호스 값 내래요")


def test_a_negated_filler_verb_stays_in_the_phrase():
    [entry] = lexicon.parse_entry(["승인거절"], ["결제가 안 돼"])
    assert entry.phrase == ("결제", "안", "되")
    lex = small("승인거절 <= 결제가 안 돼")
    assert "승인거절" in targets_found(lex, "결제가 안 돼요")
    assert targets_found(lex, "할인권이 결제할 때 안 먹혀요") == set()


def test_a_question_word_or_receive_stays_when_the_phrase_would_be_left_with_one_word():
    # 얼마, 언제, 받 are filler in a query; without them these phrases were one word, and dropped.
    assert lexicon.parse_entry(["한도조회"], ["한도 얼마"])[0].phrase == ("한도", "얼마")
    assert lexicon.parse_entry(["새벽배송"], ["새벽에 받"])[0].phrase == ("새벽", "받")
    lex = small("배송조회 <= 언제 와요")
    assert "배송조회" in targets_found(lex, "주문한 거 언제 와요")
    assert targets_found(lex, "언제 해지돼요") == set()
    # ... only then: a phrase that says enough without them drops them as before,
    assert lexicon.parse_entry(["약정만료"], ["약정 언제 끝"])[0].phrase == ("약정", "끝")
    # and filler that is not a question word or 받 still empties a phrase.
    assert lexicon.parse_entry(["진행조회"], ["어떻게 됐"]) == []


def test_a_two_word_phrase_matches_either_way_round_unless_negated():
    lex = small("결제계좌 <= 통장 바꾸")
    assert "결제계좌" in targets_found(lex, "통장 바꾸려고요")
    assert "결제계좌" in targets_found(lex, "바꾸려는 통장이 있어요")
    assert targets_found(lex, "바꾸려는데 은행 앱 로그인하고 통장 조회가 안 돼요") == set()  # too far apart
    # a negation keeps its place: 안 쓰 (not using it) is not 쓰던 게 안 돼 (it does not work)
    assert targets_found(small("해지 <= 안 쓰"), "쓰던 게 안 돼요") == set()
    # and a phrase of three words keeps its order
    assert targets_found(small("결제일 <= 카드값 나가는 날"), "날 나가는 카드값") == set()


def test_a_compound_matches_whole_or_split():
    lex = small("쿠폰 <= 할인권")
    assert "쿠폰" in targets_found(lex, "할인권")  # Kiwi alone: 할인 + 권
    assert "쿠폰" in targets_found(lex, "할인권이 결제할 때 안 먹혀요")  # in a sentence: 할인권


def test_one_batch_reads_every_shipped_phrase_as_one_by_one():
    phrases = [p for line in LEXICON.splitlines() if "<=" in line for p in line.split("<=", 1)[1].split("|")]
    batch = lexicon.batch_lexemes(phrases)
    for phrase in phrases[::7]:
        assert batch[tokenizer.normalize(phrase)] == tokenizer.lexemes(phrase), phrase


def test_every_shipped_line_keeps_a_phrase():
    for line in LEXICON.splitlines():
        if "<=" in line and not line.lstrip().startswith("#"):
            left, right = line.split("<=", 1)
            assert lexicon.parse_entry(left.split(","), right.split("|")), line


def test_the_shipped_lexicon_parses_and_matches_a_query_in_milliseconds():
    tokenizer.get_kiwi()
    started = time.perf_counter()
    entries = lexicon.parse_lines(LEXICON)
    parse_seconds = time.perf_counter() - started
    assert len(entries) > 2000
    assert parse_seconds < 5, parse_seconds  # ~0.6 s on a quiet laptop core
    lex = lexicon.shipped()
    queries = [
        "약속한 기간 언제 끝나요 중간에 끊으면 돈 물어야 하나요",
        "여행 못 가게 됐는데 취소하면 돈 얼마 떼요",
        "취소했는데 돈이 아직 안 들어왔어요 언제 들어오나요 확인 좀 부탁드려요",
    ]
    readings = [tokenizer.lexemes(q) for q in queries]
    best = min(_timed(lambda: [lex.matches(r) for r in readings]) for _ in range(5)) / len(queries)
    # ~0.2 ms on a quiet core; the bound catches a change of order (a scan of every phrase), not a
    # busy machine (1.4 ms with two suites running side by side).
    assert best < 0.005, best


# --- the saved parse (start-up without re-reading every phrase with Kiwi) ---------------------


@pytest.fixture
def fresh_shipped(settings, tmp_path):
    """shipped() as a new process sees it, with VAR_DIR in a temporary folder."""
    settings.VAR_DIR = tmp_path
    saved = lexicon._shipped
    lexicon._shipped = None
    yield tmp_path
    lexicon._shipped = saved


def test_a_second_process_reads_the_saved_parse_instead_of_asking_kiwi(fresh_shipped, monkeypatch):
    first = lexicon.shipped()
    [saved] = (fresh_shipped / "cache").glob("lexicon-*.json")
    lexicon._shipped = None

    def no_parsing(text):
        raise AssertionError("parsed again although the saved parse is current")

    monkeypatch.setattr(lexicon, "parse_lines", no_parsing)
    second = lexicon.shipped()
    assert saved.exists()
    assert second.size == first.size > 2000
    assert second.by_first == first.by_first and second.aliases == first.aliases
    assert "해지" in targets_found(second, "이제 필요 없어서 정리하려고요")


def test_an_edited_lexicon_is_parsed_again_and_replaces_the_old_parse(fresh_shipped):
    edited = "쿠폰 <= 할인권 | 할인 쿠폰\n해지 <= 정리하려고요"
    before = lexicon._cached_parse("쿠폰 <= 할인권")
    after = lexicon._cached_parse(edited)
    assert len(after) > len(before)
    assert [e.source for e in lexicon._cached_parse(edited)] == [e.source for e in after]
    [only] = (fresh_shipped / "cache").glob("lexicon-*.json")  # the first text's parse was removed
    assert only == lexicon._cache_file(edited)


def test_a_damaged_saved_parse_is_parsed_again_and_rewritten(fresh_shipped):
    text = "쿠폰 <= 할인권"
    expected = lexicon._cached_parse(text)
    path = lexicon._cache_file(text)
    path.write_text('[["쿠폰"', encoding="utf-8")  # cut short, as by a full disk
    assert lexicon._cached_parse(text) == expected
    assert lexicon._cached_parse(text) == expected  # and now read back from the rewritten file
    assert path.read_text(encoding="utf-8").startswith("[[")


def test_a_var_dir_that_cannot_be_written_only_costs_the_saving(settings, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.VAR_DIR = blocker
    entries = lexicon._cached_parse("쿠폰 <= 할인권")
    assert entries and entries[0].targets == (("쿠폰",),)
    assert "could not save the lexicon's parse" in caplog.text


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


# --- what it does to results --------------------------------------------------------------------


@pytest.fixture
def shop_and_card(client_a):
    rows = [
        ("상품 교환 접수", "사이즈나 색상이 맞지 않으면 수령 후 7일 안에 교환을 접수합니다."),
        ("바지 수선 안내", "바지 기장 수선은 매장에서 받습니다."),
        ("쿠폰 적용 오류", "쿠폰이 적용되지 않으면 사용 조건과 유효기간을 확인합니다."),
        ("카드 이용한도 상향", "한도 상향은 소득 서류를 제출하면 심사 후 반영됩니다."),
        ("결제일 변경", "결제일은 매월 1일, 14일, 25일 중에서 고를 수 있습니다."),
        ("약정 만료와 위약금", "약정 기간 중 해지하면 남은 기간만큼 위약금이 청구됩니다."),
        ("인터넷 장애 신고", "공유기 전원을 껐다 켠 뒤에도 안 되면 장애를 신고합니다."),
        ("날짜 표기 규칙", "문서의 날짜는 연월일 순서로 적습니다."),
        ("치수 재는 법", "허리둘레와 기장을 줄자로 재는 방법입니다."),
    ]
    return {title: indexed_article(client_a, title, answer=answer) for title, answer in rows}


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("바지가 커서 한 치수 작은 걸로 바꿔 주세요", "상품 교환 접수"),
        ("할인권 번호를 넣었는데 안 먹혀요", "쿠폰 적용 오류"),
        ("카드로 쓸 수 있는 돈을 늘려 주실 수 있나요", "카드 이용한도 상향"),
        ("카드값 빠져나가는 날짜를 월급날로 옮기고 싶어요", "결제일 변경"),
        ("지금 끊으면 돈 물어야 하나요", "약정 만료와 위약금"),
        ("집 와이파이가 먹통이에요", "인터넷 장애 신고"),
    ],
)
def test_callers_words_find_the_article_in_the_manuals_words(
    shop_and_card, agent_a, client_a, said, expected
):
    hits = [h.title for h in search(user=agent_a, client=client_a, query=said).hits]
    assert hits[:1] == [expected], hits


def test_a_phrase_over_several_words_outweighs_one_shared_everyday_word(shop_and_card, agent_a, client_a):
    # 바지 is in the alterations article's title; 커서 ... 작은 걸로 바꿔 is an exchange
    hits = [
        h.title
        for h in search(user=agent_a, client=client_a, query="바지가 커서 작은 걸로 바꾸고 싶어요").hits
    ]
    assert hits[0] == "상품 교환 접수", hits


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("치수 재는 법", "치수 재는 법"), ("결제일 변경", "결제일 변경"), ("날짜 표기", "날짜 표기 규칙")],
)
def test_a_lexicon_phrase_does_not_beat_an_exact_title_match(
    shop_and_card, agent_a, client_a, typed, expected
):
    # 치수 stands for 사이즈 (→ the exchange article), 날짜 바꾸 for a change of date: the words
    # typed, found in a title, still come first
    hits = [h.title for h in search(user=agent_a, client=client_a, query=typed).hits]
    assert hits[0] == expected, hits


def test_no_shipped_line_holds_an_empty_phrase():
    # `a | | b` parses to a phrase of nothing, which every reader of the file has to skip.
    for line in LEXICON.splitlines():
        if "<=" in line and not line.lstrip().startswith("#"):
            assert all(p.strip() for p in line.split("<=", 1)[1].split("|")), line
