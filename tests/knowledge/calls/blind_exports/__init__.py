"""Call exports written by people who never saw the miner (knowledge/calls/mining.py) or our
generator (knowledge/calls/samples.py): eight generators of CRM "상담 이력" rows with the true
subject of each call, each written blind by a different writer, with near subjects sharing nouns,
phrasings sharing no word, boilerplate every subject shares, masked data, typos and near-empty rows.

- export_a: a card company, a mobile carrier, a food-delivery app, a city gas company (9, 9, 9, 8
  subjects); written first and used to find what the miner got wrong.
- export_b: an insurer, an online mall, an internet + IPTV provider, a bank (8-9 subjects); written
  second, also looked at while the merge rule was chosen.
- export_c: a card company, a mobile carrier, an online mall, an insurer (7-8 subjects); first
  measured only once the merge rule was chosen, then looked at while small topics were given a rule.
- export_d: the same four kinds (8 subjects each); measured once, after the merge, boilerplate and
  small-topic rules were chosen, then looked at while k-means was set to over-split.
- export_e: an airline, an electricity utility, a hospital, a used-car platform (8-9 subjects, with
  answers that sometimes fit another question of the subject); measured once, after k-means was
  set to over-split (PHRASINGS_PER_TOPIC): the honest figure for that rule; then looked at.
- export_f: an OTT service, a home-appliance after-sales service, a transit card company, the
  public health-insurance call center (9 subjects each, a third of the rows rambling, borrowing
  another subject's resolution or near-empty); measured once, then used to choose four phrasings
  per topic.
- export_g: a car-rental company, an online education company, a city's 120 call center, a travel
  agency (9 subjects each, as messy as f); measured once before four phrasings per topic were
  chosen and once after: the honest figure for that rule.
- export_h: a securities firm, a food-delivery app, an apartment management office, a budget
  mobile carrier (9 subjects each, as messy); measured only after four phrasings per topic and the
  nearest-centre pass were chosen (and on the code before them, for comparison).

Each module: KINDS, SUBJECT_NAMES, generate(kind, count, seed) → [{"inquiry", "resolution",
"subject"}] (export_e adds call_id, call_date, kind and agent). bench/mine_topics.py --quality
reports them all; test_mining.py holds the bars.
"""

EXPORTS = {
    "a": ("export_a", 11),
    "b": ("export_b", 5),
    "c": ("export_c", 3),
    "d": ("export_d", 9),
    "e": ("export_e", 7),
    "f": ("export_f", 13),
    "g": ("export_g", 21),
    "h": ("export_h", 17),
}  # module, writer's seed


def rows(export: str, kind: str, count: int = 3000) -> list[dict]:
    from importlib import import_module

    module, seed = EXPORTS[export]
    return import_module(f"{__name__}.{module}").generate(kind, count, seed)


def kinds(export: str) -> tuple[str, ...]:
    from importlib import import_module

    return import_module(f"{__name__}.{EXPORTS[export][0]}").KINDS
