"""HTML pages of the manuals. Thin: parse input, call a selector or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from accounts.permissions import can_manage_client
from accounts.requests import AuthenticatedHttpRequest
from core.errors import shown
from core.http import attachment_disposition
from core.uploads import ImportRejected
from knowledge.calls.selectors import article_sources
from knowledge.search import selectors as search_selectors

from . import exporting, selectors, services
from .diff import diff_versions
from .forms import ArticleForm, AttachmentForm, DecisionForm, FeedbackForm, ImportForm, SuggestionForm
from .importing import check_size as check_import_size
from .models import ArticleStatus, SuggestionStatus

DIFF_FIELDS = [
    ("title", _l("Title")),
    ("question", _l("Customer situation / question")),
    ("answer", _l("Answer script")),
    ("steps", _l("Steps")),
    ("cautions", _l("Cautions / escalation")),
    ("tags", _l("Tags")),
]


def _diff_fields():
    return [(name, str(label)) for name, label in DIFF_FIELDS]


def _require_curator(request: AuthenticatedHttpRequest, client) -> None:
    if not can_manage_client(request.user, client):
        raise PermissionDenied


# --- Browsing ---------------------------------------------------------------------------------
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    curator = selectors.is_curator(user)
    clients = list(
        selectors.clients_for(user).annotate(
            published_count=Count(
                "articles", filter=Q(articles__status=ArticleStatus.PUBLISHED), distinct=True
            )
        )
    )
    return render(
        request,
        "knowledge/home.html",
        {
            "clients": clients,
            "curator": curator,
            "queue_count": selectors.review_queue_count(user) if curator else 0,
            "my_suggestions": selectors.my_suggestions(user)[:5],
            "recent": selectors.recently_updated(user, limit=8),
        },
    )


@login_required
def client_manual(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    user = request.user
    client = selectors.client_for(user, slug)
    curator = can_manage_client(user, client)
    status = request.GET.get("status", "") if curator else ""
    if status not in ArticleStatus.values:
        status = ""
    articles = selectors.articles_for(user, client=client, status=status or None)
    category = None
    category_id = request.GET.get("category", "")
    if category_id.isdigit():
        category = client.categories.filter(pk=int(category_id)).first()
        if category is not None:
            articles = articles.filter(category_id__in=selectors.category_descendants(category))
    page = Paginator(articles.order_by("category__position", "title"), 50).get_page(request.GET.get("page"))
    counts = {}
    if curator:
        counts = dict(
            selectors.articles_for(user, client=client)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    return render(
        request,
        "knowledge/client.html",
        {
            "client": client,
            "curator": curator,
            "clients": selectors.clients_for(user),
            "tree": selectors.categories_for(client),
            "category": category,
            "page": page,
            "status": status,
            "statuses": ArticleStatus.choices,
            "counts": counts,
        },
    )


@login_required
def article_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    article = selectors.article_detail(user, pk)
    curator = can_manage_client(user, article.client)
    context = {
        "article": article,
        "curator": curator,
        "my_feedback": selectors.feedback_for(user, article),
        "steps": [line for line in article.steps.splitlines() if line.strip()],
    }
    if curator:
        context["sources"] = article_sources(article)
        context["counts"] = selectors.feedback_counts(article)
        context["pending"] = list(selectors.pending_suggestions(user, article=article))
        context["attachment_form"] = AttachmentForm()
        context["learned"] = search_selectors.learned_expressions(user, article)
    context["latest_revision_number"] = article.latest_revision_number  # type: ignore[attr-defined]  # annotated
    return render(request, "knowledge/article.html", context)


# --- Writing ----------------------------------------------------------------------------------
def _meta_from(form: ArticleForm) -> services.ArticleMeta:
    data = form.cleaned_data
    return services.ArticleMeta(
        category=data.get("category"),
        owner=data.get("owner"),
        verify_by=data.get("verify_by"),
        related=data.get("related"),
    )


@login_required
def article_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    user = request.user
    client = selectors.client_for(user, slug)
    curator = can_manage_client(user, client)
    # A gap in the search log links here with what agents typed as the starting title.
    initial = {"title": request.GET.get("title", "").strip()[:200]}
    form = ArticleForm(request.POST or None, client=client, curator=curator, initial=initial)
    if request.method == "POST" and form.is_valid():
        with shown(request, form=form):
            article = services.article_create(
                client=client,
                by=user,
                content=form.content(),
                meta=_meta_from(form),
                submit="submit" in request.POST,
            )
            if curator:
                messages.success(request, _("Draft saved."))
            else:
                messages.success(request, _("Thank you: your article was sent to the managers for review."))
            return redirect(article)
    return render(
        request, "knowledge/article_form.html", {"form": form, "client": client, "curator": curator}
    )


@login_required
def article_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    article = selectors.article_for(user, pk)
    curator = can_manage_client(user, article.client)
    if not curator:
        if article.status == ArticleStatus.PUBLISHED:
            return redirect("knowledge:suggest", pk=article.pk)
        if article.created_by_id != user.pk:
            raise PermissionDenied
    published = article.status == ArticleStatus.PUBLISHED
    initial = {n: getattr(article, n) for n in ("title", "question", "answer", "steps", "cautions", "tags")}
    initial |= {"category": article.category_id, "owner": article.owner_id, "verify_by": article.verify_by}
    if curator:
        initial["related"] = list(article.related.values_list("pk", flat=True))
    form = ArticleForm(
        request.POST or None,
        initial=initial,
        client=article.client,
        curator=curator,
        article=article,
        require_comment=published,
    )
    if request.method == "POST" and form.is_valid():
        with shown(request, form=form):
            services.article_update(
                article=article,
                by=user,
                content=form.content(),
                meta=_meta_from(form),
                comment=form.cleaned_data.get("comment", ""),
            )
            messages.success(request, _("Published as a new revision.") if published else _("Saved."))
            return redirect(article)
    return render(
        request,
        "knowledge/article_form.html",
        {"form": form, "client": article.client, "curator": curator, "article": article},
    )


@login_required
def article_suggest(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    article = selectors.article_for(user, pk)
    if article.status != ArticleStatus.PUBLISHED:
        return redirect("knowledge:edit", pk=article.pk)
    initial = {n: getattr(article, n) for n in ("title", "question", "answer", "steps", "cautions", "tags")}
    form = SuggestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with shown(request, form=form):
            suggestion = services.suggestion_create(
                article=article, by=user, content=form.content(), note=form.cleaned_data["note"]
            )
            messages.success(request, _("Thank you: your suggestion was sent to the managers."))
            return redirect(suggestion)
    return render(request, "knowledge/suggest_form.html", {"form": form, "article": article})


ACTIONS: dict[str, tuple[Callable[..., object], bool, Any]] = {  # Any: a lazy message
    "submit": (services.article_submit, False, _l("Sent for review.")),
    "publish": (services.article_publish, True, _l("Published.")),
    "reject": (services.article_reject, True, _l("Sent back to the author.")),
    "archive": (services.article_archive, True, _l("Archived: agents no longer see it.")),
}


@login_required
@require_POST
def article_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    article = selectors.article_for(request.user, pk)
    if action == "delete":
        with shown(request):
            services.article_delete(article=article, by=request.user)
            messages.success(request, _("Draft deleted."))
            return redirect("knowledge:client", slug=article.client.slug)
        return redirect(article)
    if action not in ACTIONS:
        raise Http404
    service, needs_comment, done = ACTIONS[action]
    kwargs: dict[str, Any] = {"comment": request.POST.get("comment", "")} if needs_comment else {}
    if action == "publish":
        # The version of the text the reviewer read; a missing one counts as stale.
        raw = request.POST.get("version", "")
        kwargs["seen_version"] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0
    with shown(request):
        service(article=article, by=request.user, **kwargs)
        messages.success(request, done)
    return redirect(article)


@login_required
@require_POST
def verify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_for(request.user, pk)
    try:
        next_date = date.fromisoformat(request.POST.get("verify_by", ""))
    except ValueError:
        messages.error(request, _("Verify by: enter a date (YYYY-MM-DD)."))
        return redirect(article)
    with shown(request):
        services.verify_confirm(article=article, by=request.user, next_date=next_date)
        messages.success(request, _("Verified. Next check: %(date)s") % {"date": next_date.isoformat()})
    return redirect(article)


# --- Review -----------------------------------------------------------------------------------
@login_required
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.is_curator(request.user):
        raise PermissionDenied
    return render(
        request,
        "knowledge/review.html",
        {
            "articles": selectors.review_queue(request.user),
            "suggestions": selectors.pending_suggestions(request.user),
            "due": selectors.due_for_verification(request.user)[:30],
            "today": timezone.localdate(),
        },
    )


@login_required
def suggestion_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    suggestion = selectors.suggestion_for(user, pk)
    article = suggestion.article
    curator = can_manage_client(user, article.client)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not curator:
            raise PermissionDenied
        decision = request.POST.get("decision")
        if form.is_valid() and decision in ("accept", "reject"):
            with shown(request, form=form):
                if decision == "accept":
                    services.suggestion_accept(
                        suggestion=suggestion, by=user, comment=form.cleaned_data["comment"]
                    )
                    messages.success(request, _("Suggestion published as a new revision."))
                    return redirect(article)
                services.suggestion_reject(
                    suggestion=suggestion, by=user, comment=form.cleaned_data["comment"]
                )
                messages.success(request, _("Suggestion rejected; the author was told why."))
                return redirect("knowledge:review")
    mode = "inline" if request.GET.get("mode") == "inline" else "side"
    diffs = diff_versions(article, suggestion, _diff_fields())
    return render(
        request,
        "knowledge/suggestion.html",
        {
            "suggestion": suggestion,
            "article": article,
            "curator": curator,
            "form": form,
            "pending": suggestion.status == SuggestionStatus.PENDING,
            "diffs": diffs,
            "any_changed": any(d.changed for d in diffs),
            "mode": mode,
            "left_label": _("Live article"),
            "right_label": _("Suggestion"),
        },
    )


# --- History ----------------------------------------------------------------------------------
@login_required
def history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_for(request.user, pk)
    return render(
        request,
        "knowledge/history.html",
        {
            "article": article,
            "revisions": selectors.revisions_for(article),
            "curator": can_manage_client(request.user, article.client),
        },
    )


@login_required
def diff(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_for(request.user, pk)
    revisions = selectors.revisions_for(article)
    try:
        a = int(request.GET.get("a", ""))
        b = int(request.GET.get("b", ""))
    except ValueError:
        numbers = list(revisions.values_list("number", flat=True)[:2])
        if len(numbers) < 2:
            messages.info(request, _("There is only one revision so far."))
            return redirect("knowledge:history", pk=article.pk)
        b, a = numbers[0], numbers[1]
    old = get_object_or_404(revisions, number=min(a, b))
    new = get_object_or_404(revisions, number=max(a, b))
    mode = "inline" if request.GET.get("mode") == "inline" else "side"
    diffs = diff_versions(old, new, [*_diff_fields(), ("category_path", _("Category"))])
    return render(
        request,
        "knowledge/diff.html",
        {
            "article": article,
            "old": old,
            "new": new,
            "diffs": diffs,
            "any_changed": any(d.changed for d in diffs),
            "mode": mode,
            "left_label": f"r{old.number}",
            "right_label": f"r{new.number}",
            "curator": can_manage_client(request.user, article.client),
        },
    )


@login_required
@require_POST
def restore(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    article = selectors.article_for(request.user, pk)
    revision = get_object_or_404(selectors.revisions_for(article), number=number)
    with shown(request):
        services.revision_restore(
            article=article, revision=revision, by=request.user, comment=request.POST.get("comment", "")
        )
        messages.success(request, _("Revision %(n)s restored and published.") % {"n": number})
        return redirect(article)
    return redirect("knowledge:history", pk=article.pk)


# --- Feedback ---------------------------------------------------------------------------------
@login_required
@require_POST
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_for(request.user, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Feedback: choose helpful or not helpful (comment up to 500 characters)."))
        return redirect(article)
    with shown(request):
        services.feedback_set(
            article=article,
            by=request.user,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Thank you for the feedback."))
    return redirect(article)


@login_required
def feedback_report(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    client = selectors.client_for(request.user, slug)
    _require_curator(request, client)
    return render(
        request,
        "knowledge/feedback.html",
        {"client": client, "summary": selectors.feedback_summary(request.user, client)},
    )


# --- Attachments ------------------------------------------------------------------------------
@login_required
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_for(request.user, pk)
    _require_curator(request, article.client)
    if request.headers.get("Accept", "").startswith("application/json"):
        return _editor_image_upload(request, article)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        problems = " ".join(map(str, form.errors.get("file", []))) or _("choose a file.")
        messages.error(request, _("Attachment: %(problem)s") % {"problem": problems})
        return redirect(article)
    with shown(request):
        services.attachment_add(article=article, by=request.user, upload=form.cleaned_data["file"])
        messages.success(request, _("Attachment added."))
    return redirect(article)


def _editor_image_upload(request: AuthenticatedHttpRequest, article) -> JsonResponse:
    """A picture pasted or chosen in the editor: stored as the article's attachment; the editor puts
    a Markdown image of its URL into the text."""
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        problems = " ".join(map(str, form.errors.get("file", []))) or _("choose a file.")
        return JsonResponse({"error": _("Attachment: %(problem)s") % {"problem": problems}}, status=400)
    try:
        attachment = services.attachment_add(
            article=article, by=request.user, upload=form.cleaned_data["file"], images_only=True
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse(
        {"url": reverse("knowledge:attachment", args=[attachment.pk]), "name": attachment.original_name},
        status=201,
    )


@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_for(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Always a download, never rendered: the stored type was decided by content when it was uploaded.
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_for(request.user, pk)
    article = attachment.article
    _require_curator(request, article.client)
    services.attachment_delete(attachment=attachment, by=request.user)
    messages.success(request, _("Attachment removed."))
    return redirect(article)


# --- Import and export ------------------------------------------------------------------------
@login_required
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.is_curator(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, result = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_import_size(upload.size or 0)  # before the upload is read into memory
            result = services.articles_import(
                name=upload.name, data=upload.read(), by=request.user, publish=form.cleaned_data["publish"]
            )
        except ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Import finished."))
    return render(
        request,
        "knowledge/import.html",
        {
            "form": form,
            "errors": errors,
            "result": result,
            "clients": selectors.managed_clients(request.user),
        },
    )


@login_required
def export(request: AuthenticatedHttpRequest, slug: str, fmt: str) -> HttpResponse:
    client = selectors.client_for(request.user, slug)
    if not can_manage_client(request.user, client):
        # like every other manager-only page of a client the agent serves: 403, not 404
        raise PermissionDenied(_("Only the client's managers export its manual."))
    articles = selectors.export_articles(request.user, client)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        response = HttpResponse(exporting.to_csv(articles), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exporting.to_xlsx(articles),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = attachment_disposition(
        _("Manual_%(client)s_%(stamp)s") % {"client": client.name, "stamp": stamp} + f".{fmt}",
        ascii_name=f"manual-{client.slug}-{stamp}.{fmt}",
    )
    return response
