"""reverse(), remembered: the hot pages reverse the same few dozen URLs on every visit.

A URL depends only on its name, its arguments, the current application, the URLconf and the
script prefix; with all of these as the key, a remembered URL is the one Django's reverse() would
give. Only plain str and int arguments are remembered (anything else, a model instance or a lazy
string, is reversed every time), and failures are never remembered.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse


def _plain(value) -> bool:
    return type(value) in (str, int)


def reverse(viewname, args=None, kwargs=None, current_app=None) -> str:
    args = list(args or ())
    kwargs = dict(kwargs or {})
    if (
        type(viewname) is str
        and all(map(_plain, args))
        and all(map(_plain, kwargs.values()))
        and (current_app is None or type(current_app) is str)
    ):
        key_args = tuple((type(a), a) for a in args)
        key_kwargs = tuple(sorted((k, type(v), v) for k, v in kwargs.items()))
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        return _remembered(viewname, key_args, key_kwargs, current_app, get_script_prefix(), urlconf)
    return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)


@lru_cache(maxsize=4096)
def _remembered(viewname, key_args, key_kwargs, current_app, _prefix, urlconf) -> str:
    return django_reverse(
        viewname,
        urlconf=urlconf,
        args=[a for _t, a in key_args],
        kwargs={k: v for k, _t, v in key_kwargs},
        current_app=current_app,
    )
