"""The peak-hour mix of 300 agents, for bench/load/run.py (locust, headless).

80 % of requests are searches in call mode (the htmx result list, Korean queries for the agent's
own clients, typed as prefixes like a debounced search box); the rest are page views, overtime
requests and star votes. Every agent is signed in already (the seed gave them sessions), so the
run measures the working day, not 300 password hashes.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from locust import FastHttpUser, between, task

DATA = json.loads(open(os.environ["DASAN_LOAD_DATA"], encoding="utf-8").read())  # noqa: SIM115
AGENTS = itertools.cycle(DATA["agents"])
QUERIES = DATA["queries"]
CSRF = "loadtestcsrftokenloadtestcsrftok"  # 32 characters: a valid unmasked CSRF secret
SEOUL = timezone(timedelta(hours=9))


class Agent(FastHttpUser):
    """FastHttpUser (geventhttpclient): the load generator shares the machine, so it must be cheap."""

    wait_time = between(0.5, 3.0)

    def on_start(self):
        self.me = next(AGENTS)
        self.cookie = f"sessionid={self.me['session']}; csrftoken={CSRF}"
        self.rng = random.Random(self.me["email"])

    def _get(self, path, name, headers=None):
        self.client.get(path, headers={"Cookie": self.cookie, **(headers or {})}, name=name)

    def _post(self, path, data, name):
        with self.client.post(
            path,
            data=urlencode(data),
            headers={
                "Cookie": self.cookie,
                "X-CSRFToken": CSRF,
                "Referer": self.host + path,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            allow_redirects=False,
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code in (200, 302):
                response.success()
            else:
                response.failure(f"{response.status_code}")

    @task(80)
    def search(self):
        slug = self.rng.choice(self.me["clients"])
        query = self.rng.choice(QUERIES[slug])
        typed = query[: self.rng.randint(min(2, len(query)), len(query))]  # one keystroke state
        self._get(
            "/knowledge/call/results/?" + urlencode({"client": slug, "q": typed}),
            "search (call mode, htmx)",
            headers={"HX-Request": "true"},
        )

    @task(12)
    def page(self):
        article = self.rng.choice(self.me["articles"])
        path, name = self.rng.choice(
            [
                ("/", "page: home"),
                ("/knowledge/call/", "page: call mode"),
                (f"/knowledge/call/articles/{article}/", "page: call-mode article"),
                (f"/knowledge/articles/{article}/", "page: manual article"),
                ("/wellbeing/", "page: wellbeing"),
                ("/bookclub/", "page: book club"),
            ]
        )
        self._get(path, name)

    @task(4)
    def overtime(self):
        self._get("/wellbeing/overtime/new/", "overtime: form")
        today = datetime.now(SEOUL).date() + timedelta(days=self.rng.randint(0, 6))
        self._post(
            "/wellbeing/overtime/new/",
            {"date": today.isoformat(), "end_time": "20:00", "reason": "월말 정산 마감"},
            "overtime: request",
        )

    @task(4)
    def vote(self):
        if not self.me["reviews"]:
            return
        review = self.rng.choice(self.me["reviews"])
        self._post(
            f"/bookclub/reviews/{review}/rate/", {"stars": self.rng.randint(1, 5)}, "vote: star rating"
        )
