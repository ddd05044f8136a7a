"""Topic mining: Kiwi tokens → TF-IDF → LSA → k-means over-split into phrasings → merged into topics.

Pure computation over plain lists (no ORM), so it can be tested and benchmarked alone. The service
layer (services.mining_execute) loads the calls, calls cluster(), computes the figures per topic and
stores them.

Why this shape: inquiry texts are short; TF-IDF over content morphemes and their adjacent pairs
(bigrams give readable labels such as "카드 분실") reduced by truncated SVD (LSA) clusters them far
better than raw sparse k-means, and it is fast. Identical texts are tokenised and clustered once,
weighted by how often they occur.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import tokenizer


@dataclass
class Cluster:
    label: str
    keywords: list[tuple[str, float]]  # unigram keywords with their weight in the centroid
    members: list[int]  # indices into the input texts
    central: list[int]  # member indices, most central first (one per distinct text)
    mined: str = ""  # the label mining gave, when a manager's rule renamed it


@dataclass
class ClusterModel:
    clusters: list[Cluster] = field(default_factory=list)
    unassigned: list[int] = field(default_factory=list)  # texts with no usable words
    k: int = 0
    silhouette: float | None = None
    vectorizer: Any = None  # scikit-learn has no types
    svd: Any = None
    kmeans: Any = None
    centres: Any = None  # each mined topic's centre in the LSA space, before managers' rules
    order: list[int] = field(default_factory=list)  # topic index of each centre
    merge: object = None
    boilerplate: frozenset[str] = frozenset()  # words frequent in every topic, left out

    def predict(self, texts: list[str]) -> list[int]:
        """Topic index (into clusters) of each text, -1 when it has no usable words."""
        if self.centres is None or not texts:
            return [-1] * len(texts)
        keys = [normalise_text(t) for t in texts]
        uniq = list(dict.fromkeys(keys))
        matrix = self.vectorizer.transform(_documents(uniq, self.boilerplate))
        empty = np.asarray(matrix.sum(axis=1)).ravel() == 0
        z = _normalise(self.svd.transform(matrix) if self.svd is not None else matrix.toarray())
        nearest = np.argmax(z @ self.centres.T, axis=1)
        by_text = {t: (-1 if empty[i] else self.order[nearest[i]]) for i, t in enumerate(uniq)}
        return [by_text[t] for t in keys]


_NOISE = re.compile(r"[^가-힣a-zA-Zㄱ-ㅎ]+")


def normalise_text(text: str) -> str:
    """What the topic depends on: Korean and Latin letters, single-spaced (numbers, punctuation out);
    the resolution part (after a unit separator, see with_notes) likewise."""
    return "\x1f".join(" ".join(_NOISE.sub(" ", part).split()) for part in text.split("\x1f"))


# What the agent did (the resolution) is a feature of its own, marked so that it groups calls but
# never names a topic: labels come from the customers' words.
NOTE = "~"


def _documents(texts: list[str], drop: frozenset[str] = frozenset()) -> list[list[str]]:
    inquiries, notes = zip(*(_split(t) for t in texts), strict=True) if texts else ((), ())
    docs = []
    for words, note_words in zip(
        tokenizer.tokenize_many(inquiries), tokenizer.tokenize_many(notes), strict=True
    ):
        words = [w for w in words if w not in drop]
        terms = list(words)
        terms += [f"{a} {b}" for a, b in itertools.pairwise(words) if a != b]
        terms += [NOTE + w for w in note_words if w not in drop]
        docs.append(terms)
    return docs


def _split(text: str) -> tuple[str, str]:
    inquiry, _sep, note = text.partition("\x1f")
    return inquiry, note


def with_notes(inquiries: list[str], notes: list[str]) -> list[str]:
    """Texts for cluster(): each inquiry with the agent's resolution, kept apart (a unit separator)."""
    return [f"{i}\x1f{n}" if n else i for i, n in zip(inquiries, notes, strict=True)]


def _identity(doc):
    return doc


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


# k-means looks for this many phrasings per topic a manager may see; the merge joins the phrasings
# of one subject. Over-splitting first keeps k-means clusters pure (one subject each): on exports
# written by others, k chosen by silhouette up to 20 mixed subjects that no merge could part again,
# and at 40 clusters for 3,000 calls a fifth of the calls still sat with another subject's.
PHRASINGS_PER_TOPIC = 4


def choose_k(n_items: int, n_distinct: int, max_topics: int) -> int:
    """How many phrasings k-means looks for: PHRASINGS_PER_TOPIC × max_topics, fewer for little
    data (√(2n)+1, distinct texts/3), at least 2."""
    return max(2, min(PHRASINGS_PER_TOPIC * max_topics, int(math.sqrt(2 * n_items)) + 1, n_distinct // 3))


# Clusters whose centroids are at least this alike (the mean of the customers' words' cosine and the
# agents' resolutions') are one topic. Measured on our generator and on four exports written by
# other people who never saw this code (bench/mine_topics.py --quality): 0.2-0.3 is a plateau.
MERGE_SIMILARITY = 0.2
MERGE_SIMILARITY_WORDS_ONLY = 0.1  # an export without resolutions: the customers' words alone


def _group_sums(x, w: np.ndarray, labels: np.ndarray, present) -> np.ndarray:
    """Each group's weighted sum of term vectors (its centroid, unnormalised), one row per group."""
    return np.vstack(
        [np.asarray(x[labels == lab].multiply(w[labels == lab][:, None]).sum(axis=0)) for lab in present]
    )


def _alike(sums: np.ndarray, notes: np.ndarray | None) -> np.ndarray:
    """Cosine of the groups' centroids. The customers' words and the agents' are compared apart and
    the two similarities averaged; a pair where one side has no resolution words is judged by the
    customers' words alone."""

    def cosine(part: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        has = np.linalg.norm(part, axis=1) > 0
        part = _normalise(part)
        return part @ part.T, has

    if notes is None or not notes.any() or notes.all():
        return cosine(sums)[0]
    asked, asked_has = cosine(sums[:, ~notes])
    noted, noted_has = cosine(sums[:, notes])
    both = np.outer(noted_has, noted_has) & np.outer(asked_has, asked_has)
    return np.where(both, (asked + noted) / 2, np.where(np.outer(asked_has, asked_has), asked, noted))


def merge_similar(
    x,
    w: np.ndarray,
    labels: np.ndarray,
    k: int,
    *,
    min_similarity: float,
    notes: np.ndarray | None = None,
    max_groups: int | None = None,
) -> np.ndarray:
    """New label for each k-means label after merging clusters whose term centroids are alike.

    `notes` marks the columns of the agents' resolutions. The customers' words and the agents' are
    compared apart and the two similarities averaged: one subject's phrasings may share no word
    with each other but the agent's handling (분실 신고 접수), or share the customers' nouns while
    agents wrote them up differently; compared as one vector, whichever part has more terms hid
    the other, and near subjects (분실 vs 재발급) merged before phrasings of one did.
    """
    if k < 3 or min_similarity >= 1:
        return np.arange(k)
    from sklearn.cluster import AgglomerativeClustering

    present = [lab for lab in range(k) if (labels == lab).any()]
    if len(present) < 3:
        return np.arange(k)

    sim = _alike(_group_sums(x, w, labels, present), notes)
    distance = np.clip(1 - sim, 0, 2)
    np.fill_diagonal(distance, 0)
    merged_present = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1 - min_similarity
    ).fit_predict(distance)
    if max_groups and len(np.unique(merged_present)) > max_groups:
        # More subjects than a manager asked to read: the most alike are joined until they fit.
        merged_present = AgglomerativeClustering(
            n_clusters=max_groups, metric="precomputed", linkage="average"
        ).fit_predict(distance)
    merged_present = _absorb_small(merged_present, sim, np.array([w[labels == lab].sum() for lab in present]))
    # k-means labels nobody got (duplicate points) map past the merged ones; they have no members.
    merged = np.arange(k) + len(present)
    merged[present] = merged_present
    _values, dense = np.unique(merged, return_inverse=True)
    return dense


# Average linkage over k-means' small clusters understates how alike two topics are as a whole:
# two halves of one subject (취소 · 반품 환불 · 금액 / 반품 환불 · 취소 · 환불 금액) are 0.48-0.5 alike
# compared as whole topics, near subjects (비밀번호 잠김 / OTP 오류) about 0.24.
TOPIC_MERGE_SIMILARITY = 0.4


def join_alike_topics(
    x, w: np.ndarray, labels: np.ndarray, notes: np.ndarray | None, *, size: int
) -> np.ndarray:
    """New label for each of `size` labels after joining, most alike first, topics whose centroids
    (all their calls) are at least TOPIC_MERGE_SIMILARITY alike."""
    mapping = np.arange(size)
    present = [int(lab) for lab in np.unique(labels)]
    sums = _group_sums(x, w, labels, present)
    while len(present) > 2:
        sim = _alike(sums, notes)
        np.fill_diagonal(sim, -np.inf)
        i, j = sorted(np.unravel_index(int(np.argmax(sim)), sim.shape))
        if sim[i, j] < TOPIC_MERGE_SIMILARITY:
            break
        mapping[mapping == present[j]] = present[i]
        sums[i] += sums[j]
        sums = np.delete(sums, j, axis=0)
        del present[j]
    return mapping


SMALL_TOPIC = 0.05  # a topic with less than this share of the calls ...
ABSORB_SIMILARITY = 0.05  # ... joins the topic it is most alike (mean similarity) if at least this


def _absorb_small(groups: np.ndarray, sim: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Small groups of phrasings join their nearest topic, smallest first: a phrasing few callers use
    is rarely a subject of its own, and a manager reads 9 topics, not 16 (on exports written by
    others, the topic counts came closer to the true subjects' and ARI held or rose)."""
    groups = groups.copy()
    total = sizes.sum()
    kept: set[int] = set()  # small but alike no other topic: a subject of its own
    while len(np.unique(groups)) > 2:
        present = np.unique(groups)
        size = {int(g): sizes[groups == g].sum() for g in present}
        small = [g for g in sorted(size, key=lambda g: (size[g], g)) if g not in kept]
        if not small or size[small[0]] >= SMALL_TOPIC * total:
            break
        smallest = small[0]
        mine = groups == smallest
        alike = {g: float(sim[np.ix_(mine, groups == g)].mean()) for g in size if g != smallest}
        nearest = max(alike, key=lambda g: (alike[g], -g))
        if alike[nearest] < ABSORB_SIMILARITY:
            kept.add(smallest)
        else:
            groups[mine] = nearest
    return groups


def cluster(
    texts: list[str], *, max_topics: int = 20, seed: int = 0, merge_similarity: float | None = None
) -> ClusterModel:
    """Group texts into topics. Deterministic for the same input (fixed seeds)."""
    from threadpoolctl import threadpool_limits

    # One BLAS/OpenMP thread: the many small k-means fits of the k choice are 5x slower with
    # threads spinning against each other (and against other workers) on a small machine.
    with threadpool_limits(limits=1):
        model = _cluster(texts, max_topics=max_topics, seed=seed, merge_similarity=merge_similarity)
        if model.boilerplate:
            # Greetings, 부탁드립니다, 주문번호, masked placeholders: words found in every topic were
            # found by the first pass; cluster again without them.
            model = _cluster(
                texts,
                max_topics=max_topics,
                seed=seed,
                merge_similarity=merge_similarity,
                drop=model.boilerplate,
            )
        return model


# A word is boilerplate when at least this share of the calls of at least BOILERPLATE_TOPICS of
# the topics use it: frequent in every topic of the client, so it names none of them.
BOILERPLATE_SHARE = 0.01
BOILERPLATE_TOPICS = 0.75
BOILERPLATE_PEAK = 4  # ... unless its share in one topic is this many times its median share


def boilerplate_terms(x, w: np.ndarray, labels: np.ndarray, terms) -> frozenset[str]:
    """Single words used by a fair share of the calls of (nearly) every topic (document frequency
    across topics): what every caller says, not what any topic is about."""
    present = [lab for lab in np.unique(labels)]
    if len(present) < 3:
        return frozenset()
    used = (x > 0).astype(np.float64)
    shares = np.vstack(
        [
            np.asarray(used[labels == lab].T @ w[labels == lab]).ravel() / w[labels == lab].sum()
            for lab in present
        ]
    )
    spread = (shares >= BOILERPLATE_SHARE).sum(axis=0)
    needed = max(3, math.ceil(BOILERPLATE_TOPICS * len(present)))
    # A topic's own word is mentioned in passing in the others too (다음 달 안전점검도 물어봄), but
    # it peaks in its topic; what every caller says is about as common in each.
    even = shares.max(axis=0) < BOILERPLATE_PEAK * np.maximum(np.median(shares, axis=0), 1e-9)
    found = (str(terms[j]) for j in np.flatnonzero((spread >= needed) & even))
    return frozenset(t.removeprefix(NOTE) for t in found if " " not in t)


def _cluster(
    texts: list[str],
    *,
    max_topics: int,
    seed: int,
    merge_similarity: float | None,
    drop: frozenset[str] | None = None,
) -> ClusterModel:
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score

    model = ClusterModel()
    if not texts:
        return model
    # Texts that differ only by numbers, punctuation or spacing ("주문번호 1234567") are one text:
    # each distinct normalised text is tokenised and clustered once, weighted by its count.
    positions: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        positions.setdefault(normalise_text(text), []).append(i)
    uniq = list(positions)
    weights = np.array([len(positions[t]) for t in uniq], dtype=float)
    docs = _documents(uniq, drop or frozenset())
    n_docs = len(docs)
    vectorizer = TfidfVectorizer(
        analyzer=_identity,
        min_df=2 if n_docs >= 50 else 1,
        max_df=0.5 if n_docs >= 20 else 1.0,
        sublinear_tf=True,
        max_features=30_000,
    )
    try:
        matrix = vectorizer.fit_transform(docs)
    except ValueError:  # no usable words at all
        model.unassigned = list(range(len(texts)))
        return model
    usable = np.asarray(matrix.sum(axis=1)).ravel() > 0
    for j, t in enumerate(uniq):
        if not usable[j]:
            model.unassigned.extend(positions[t])
    rows = np.flatnonzero(usable)
    if len(rows) == 0:
        return model
    x = matrix[rows]
    w = weights[rows]
    n_terms = x.shape[1]
    svd = None
    if n_terms > 3 and len(rows) > 3:
        svd = TruncatedSVD(n_components=min(100, n_terms - 1, len(rows) - 1), random_state=seed)
        z = _normalise(svd.fit_transform(x))
    else:
        z = _normalise(x.toarray())
    k = min(choose_k(int(w.sum()), len(rows), max_topics), max(1, len(rows) - 1))
    big = len(rows) > 5000
    if not big:
        # Texts with different words may be one point (few words, all outside the SVD's components).
        k = min(k, len(np.unique(z.round(6), axis=0)))
    rng = np.random.default_rng(seed)
    sample = np.unique(rng.choice(len(rows), size=min(len(rows), 3000), replace=False, p=w / w.sum()))
    km = KMeans(n_clusters=k, random_state=seed, n_init=4)
    if big:  # seeded on a weighted sample, then refined on all the texts
        km.fit(z[sample], sample_weight=w[sample])
        km = MiniBatchKMeans(
            n_clusters=k, init=km.cluster_centers_, n_init=1, random_state=seed, batch_size=4096
        ).fit(z, sample_weight=w)
    else:
        km.fit(z, sample_weight=w)
    model.k, model.vectorizer, model.svd, model.kmeans = k, vectorizer, svd, km

    terms = vectorizer.get_feature_names_out()
    # k-means finds the phrasings; phrasings that share their key words are one topic: merge
    # clusters whose term centroids are alike (average-linkage, cosine).
    raw = km.labels_
    notes = np.array([str(t).startswith(NOTE) for t in terms])
    if merge_similarity is None:
        merge_similarity = MERGE_SIMILARITY if notes.any() else MERGE_SIMILARITY_WORDS_ONLY
    merged = merge_similar(x, w, raw, k, min_similarity=merge_similarity, notes=notes, max_groups=max_topics)
    model.merge = merged
    labels = merged[raw]
    if drop is None:
        found = boilerplate_terms(x, w, labels, terms)
        if found:
            model.boilerplate = found
            return model  # cluster() runs again without these words
    else:
        model.boilerplate = drop
    # Topics a manager would call the same ("분실 신고" twice, found through two phrasings) are one:
    # clusters whose labels open with the same noun phrase are merged.
    by_phrase: dict[str, int] = {}
    relabel = np.arange(max(int(labels.max()), int(merged.max())) + 1)
    for label in np.unique(labels):
        idx = np.flatnonzero(labels == label)
        centroid = np.asarray(x[idx].multiply(w[idx][:, None]).sum(axis=0)).ravel() / w[idx].sum()
        top = np.argsort(-centroid)[:24]
        head = make_label([(str(terms[t]), float(centroid[t])) for t in top if centroid[t] > 0]).split(" · ")[
            0
        ]
        relabel[label] = by_phrase.setdefault(head, int(label))
    labels = relabel[labels]
    merged = relabel[merged]
    joined = join_alike_topics(x, w, labels, notes if notes.any() else None, size=len(relabel))
    labels, merged = joined[labels], joined[merged]
    model.merge = merged
    # Each text then goes to the topic whose centre it is nearest: a text k-means put with another
    # subject's phrasing (a call that mentions two subjects, a borrowed resolution) usually sits
    # nearer its own topic as a whole. One pass; predict() uses the same centres.
    present = np.unique(labels)
    centres = _normalise(np.vstack([z[labels == lab].T @ w[labels == lab] for lab in present]))
    labels = present[np.argmax(z @ centres.T, axis=1)]
    # How well apart the topics are, for the run's record.
    if 2 <= len(np.unique(labels[sample])) < len(sample):
        model.silhouette = float(silhouette_score(z[sample], labels[sample], metric="euclidean"))
    k_final = int(labels.max()) + 1
    sizes = np.bincount(labels, weights=w, minlength=k_final)
    order = [int(lab) for lab in np.argsort(-sizes, kind="stable") if sizes[lab] > 0]
    topic_of = {lab: i for i, lab in enumerate(order)}
    # topic index of each centre (-1 for a topic no text stayed nearest)
    model.centres = centres
    model.order = [topic_of.get(int(lab), -1) for lab in present]
    for label in order:
        idx = np.flatnonzero(labels == label)
        center = _normalise((z[idx].T @ w[idx])[None, :])[0]
        centroid = np.asarray(x[idx].multiply(w[idx][:, None]).sum(axis=0)).ravel() / w[idx].sum()
        top = np.argsort(-centroid)[:24]
        weighted_terms = [(str(terms[t]), float(centroid[t])) for t in top if centroid[t] > 0]
        closeness = z[idx] @ center
        central_rows = idx[np.argsort(-closeness)]
        members = [p for r in idx for p in positions[uniq[rows[r]]]]
        central = [positions[uniq[rows[r]]][0] for r in central_rows]
        model.clusters.append(
            Cluster(
                label=make_label(weighted_terms),
                keywords=unigram_keywords(weighted_terms),
                members=members,
                central=central,
            )
        )
    return model


def make_label(weighted_terms: list[tuple[str, float]], size: int = 3) -> str:
    """Up to three keywords, preferring a pair ("카드 분실") over its parts, and nouns over verbs
    ("카드 한도" before "올리다"): a label names a subject, in the customers' words."""
    # Not the agent's words, and not an ending Kiwi misread as a noun (있나요, 가요).
    weighted_terms = [
        t for t in weighted_terms if not t[0].startswith(NOTE) and not t[0].endswith(("요", "죠", "까"))
    ]
    nouns = [t for t in weighted_terms if not any(p.endswith("다") for p in t[0].split(" "))]
    verbs = [t for t in weighted_terms if t not in nouns]
    weighted_terms = nouns + verbs
    chosen: list[str] = []
    covered: set[str] = set()
    for term, _weight in weighted_terms:
        parts = term.split(" ")
        if all(p in covered for p in parts):
            continue
        if len(parts) == 1 and any(term in c.split(" ") for c in chosen):
            continue
        chosen = [c for c in chosen if not (len(parts) > 1 and c in parts)]
        chosen.append(term)
        covered.update(parts)
        if len(chosen) >= size:
            break
    return " · ".join(chosen) or "기타"


def unigram_keywords(weighted_terms: list[tuple[str, float]], size: int = 6) -> list[tuple[str, float]]:
    best: dict[str, float] = {}
    for term, weight in weighted_terms:
        if term.startswith(NOTE):
            continue
        for part in term.split(" "):
            best[part] = max(best.get(part, 0.0), weight)
    return sorted(best.items(), key=lambda kv: -kv[1])[:size]


def common(values: list[str], n: int = 3) -> list[tuple[str, int]]:
    cleaned = [" ".join(v.split()) for v in values if v and v.strip()]
    return Counter(cleaned).most_common(n)
