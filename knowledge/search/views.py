"""Search pages: call mode (the agent's screen during a call), the search page, synonyms, gaps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import AuthenticatedHttpRequest
from core.errors import shown

from . import interface, lexicon, selectors, services
from .forms import SynonymGroupForm

RESULT_LIMIT = 10  # call mode, and the search page while typing
PAGE_SIZE = 20  # the search page's full list, per 더 보기
MAX_PAGES = 5


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def call_mode(request: AuthenticatedHttpRequest) -> HttpResponse:
    clients = selectors.call_clients(request.user)
    client = selectors.current_client(request.user, clients, request.GET.get("client"))
    if client is not None and request.GET.get("client"):
        services.call_client_remember(user=request.user, client=client)
    context: dict[str, Any] = {"clients": clients, "client": client, "query": request.GET.get("q", "")}
    if client is not None:
        context |= {
            "pinned": selectors.pinned_articles(request.user, client),
            "recent": selectors.recent_articles(request.user, client),
        }
        if context["query"]:
            context["result"] = interface.search(
                user=request.user, client=client, query=context["query"], limit=RESULT_LIMIT, log=True
            )
    return render(request, "knowledge/search/call_mode.html", context)


@login_required
def call_results(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The result list while typing (htmx). Small on purpose: it crosses a VPN on every keystroke."""
    client = selectors.visible_client(request.user, request.GET.get("client", ""))
    query = request.GET.get("q", "").strip()
    context: dict[str, object] = {"client": client, "query": query}
    result = None
    if query:
        result = context["result"] = interface.search(
            user=request.user,
            client=client,
            query=query,
            limit=RESULT_LIMIT,
            log=True,
            replace_log_id=_int(request.GET.get("log")),
        )
    else:
        context |= {
            "pinned": selectors.pinned_articles(request.user, client),
            "recent": selectors.recent_articles(request.user, client),
        }
    response = render(request, "knowledge/search/_call_results.html", context)
    if result is not None:  # the engine's share of the wait, for the browser (Server-Timing)
        response["Server-Timing"] = f"search;dur={result.took_ms}"
    return response


@login_required
def call_article(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.visible_article(request.user, pk)
    services.call_article_opened(user=request.user, article=article, log_id=_int(request.GET.get("log")))
    context = {"article": article, "pinned": selectors.is_pinned(request.user, article)}
    if request.htmx:
        return render(request, "knowledge/search/_call_article.html", context)
    clients = selectors.call_clients(request.user)
    return render(
        request,
        "knowledge/search/call_mode.html",
        {
            "clients": clients,
            "client": article.client,
            "open_article": article,
            "open_article_pinned": context["pinned"],
            "pinned": selectors.pinned_articles(request.user, article.client),
            "recent": selectors.recent_articles(request.user, article.client),
        },
    )


@login_required
@require_POST
def call_pin(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.visible_article(request.user, pk)
    pinned = services.call_article_pin_toggle(user=request.user, article=article)
    if request.htmx:
        return render(request, "knowledge/search/_pin_button.html", {"article": article, "pinned": pinned})
    return redirect("knowledge:call_article", pk=article.pk)


@login_required
def search_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The search page. While typing (htmx, no `page`) the fragment holds the first TYPING_LIMIT hits,
    the same small list as call mode: it is painted on every keystroke. A full page, Enter or 더 보기
    (`page`=n) shows PAGE_SIZE × n."""
    clients = selectors.call_clients(request.user)
    client = selectors.current_client(request.user, clients, request.GET.get("client"))
    query = request.GET.get("q", "").strip()
    typing = bool(request.htmx) and "page" not in request.GET
    page = 1 if typing else min(max(_int(request.GET.get("page")) or 1, 1), MAX_PAGES)
    limit = RESULT_LIMIT if typing else PAGE_SIZE * page
    result = None
    if client is not None and query:
        result = interface.search(
            user=request.user,
            client=client,
            query=query,
            limit=limit,
            log=True,
            replace_log_id=_int(request.GET.get("log")),
        )
    more = (
        result is not None
        and page < MAX_PAGES
        and len(result.hits) >= limit
        and (result.count > len(result.hits) or result.count_capped)
    )
    context = {
        "clients": clients,
        "client": client,
        "query": query,
        "result": result,
        "more_page": (0 if typing else page) + 1 if more else None,
    }
    template = "knowledge/search/_search_results.html" if request.htmx else "knowledge/search/search.html"
    response = render(request, template, context)
    if result is not None:
        response["Server-Timing"] = f"search;dur={result.took_ms}"
    return response


@login_required
def search_open(request: AuthenticatedHttpRequest, log_id: int, pk: int) -> HttpResponse:
    """A result link: note which article the search led to, then go to it."""
    article = selectors.visible_article(request.user, pk)
    services.search_result_opened(user=request.user, log_id=log_id, article=article)
    return redirect(interface.article_url(article))


@login_required
def synonyms(request: AuthenticatedHttpRequest) -> HttpResponse:
    clients = selectors.managed_clients(request.user)
    if not clients.exists() and not request.user.is_admin:
        raise PermissionDenied
    form = SynonymGroupForm(request.POST or None, clients=clients, user=request.user)
    if request.method == "POST" and form.is_valid():
        with shown(request, form=form):
            services.synonym_group_create(
                by=request.user,
                client=form.cleaned_data["client"],
                terms=form.cleaned_data["terms"],
                kind=form.cleaned_data["kind"],
                phrases=form.cleaned_data["phrases"],
            )
            messages.success(request, _("Synonyms saved. Searches use them from now on."))
            return redirect("knowledge:synonyms")
    groups = [
        (g, selectors.can_edit_synonym_group(request.user, g))
        for g in selectors.synonym_groups_for(request.user)
    ]

    context = {"form": form, "groups": groups, "shipped_size": lexicon.shipped().size}
    return render(request, "knowledge/search/synonyms.html", context)


@login_required
@require_POST
def synonym_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not (request.user.is_admin or request.user.is_manager):
        raise PermissionDenied  # the synonym table is the managers' tool, as on its page
    group = get_object_or_404(selectors.synonym_groups_for(request.user), pk=pk)
    services.synonym_group_delete(by=request.user, group=group)
    messages.success(request, _("Synonym group deleted."))
    return redirect("knowledge:synonyms")


@login_required
def zero_results(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Queries that found nothing: what the manual is missing, per client, for its managers."""
    clients = list(selectors.managed_clients(request.user))
    if not clients:
        raise PermissionDenied
    slug = request.GET.get("client")
    client = next((c for c in clients if c.slug == slug), None) if slug else clients[0]
    if client is None:
        raise Http404("No such client.")
    try:
        days = min(max(int(request.GET.get("days", 30)), 1), 365)
    except ValueError:
        days = 30
    rows = selectors.zero_result_queries(request.user, client, days=days)
    return render(
        request,
        "knowledge/search/zero_results.html",
        {
            "clients": clients,
            "client": client,
            "rows": rows,
            "days": days,
            "titles": selectors.published_titles(client) if rows else [],
        },
    )


@login_required
@require_POST
def learned_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager removes a learned customer expression from an article."""
    expression = selectors.learned_expression(request.user, pk)
    services.learned_expression_remove(by=request.user, expression=expression)
    messages.success(request, _("Expression removed: search no longer uses it."))
    return redirect(expression.article)


@login_required
@require_POST
def gap_link(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A zero-result query linked to an article by a manager: the query finds it from now on."""
    clients = list(selectors.managed_clients(request.user))
    client = next((c for c in clients if c.slug == request.POST.get("client")), None)
    if client is None:
        raise PermissionDenied
    back = f"{reverse('knowledge:search_gaps')}?client={client.slug}"
    article = selectors.article_by_reference(client, request.POST.get("article", ""))
    if article is None:
        messages.error(request, _("No published article of this client has that title or id."))
        return redirect(back)
    with shown(request):
        services.learned_expression_link(
            by=request.user, client=client, query=request.POST.get("query", ""), article=article
        )
        messages.success(
            request,
            _("“%(query)s” now finds “%(title)s”.")
            % {"query": request.POST.get("query", ""), "title": article.title},
        )
    return redirect(back)
