"""Pages of the call-data part. Thin: parse input, call a selector or a service, render."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can_manage_client
from accounts.requests import AuthenticatedHttpRequest
from core.errors import shown

from . import selectors, services
from .forms import MappingForm, MineForm, RecordFilterForm, TopicLinkForm, UploadForm
from .models import CallRecord, ImportStatus, MiningStatus


def _client_or_404(request: AuthenticatedHttpRequest, slug: str):
    client = selectors.client_for(request.user, slug)
    if client is None:
        raise Http404(_("No such client."))
    return client


def _manager_client_or_403(request: AuthenticatedHttpRequest, slug: str):
    client = _client_or_404(request, slug)
    if not can_manage_client(request.user, client):
        raise PermissionDenied(_("Only managers of this client may import calls or run mining."))
    return client


def article_url(article) -> str:
    """The manual page of an article, or the admin while the manuals part is not merged."""
    try:
        return article.get_absolute_url()
    except NoReverseMatch:
        try:
            return reverse("admin:knowledge_article_change", args=[article.pk])
        except NoReverseMatch:
            return ""


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    clients = list(
        selectors.clients_for(request.user).annotate(
            calls=Count("call_records", distinct=True), last_call=Max("call_records__started_at")
        )
    )
    if len(clients) == 1:
        return redirect("knowledge:calls_home", clients[0].slug)
    runs = {}
    for client in clients:
        runs[client.pk] = selectors.latest_run(request.user, client=client)
    rows = [(c, runs.get(c.pk)) for c in clients]
    return render(request, "knowledge/calls/index.html", {"rows": rows})


@login_required
def home(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    client = _client_or_404(request, slug)
    manager = can_manage_client(request.user, client)
    run = selectors.latest_run(request.user, client=client)
    since, until = services.default_period(client)
    context = {
        "client": client,
        "manager": manager,
        "run": run,
        "topics": list(selectors.topics(request.user, run=run)[:6]) if run else [],
        "gaps": selectors.topics(request.user, run=run).filter(covered_by__isnull=True).count() if run else 0,
        "jobs": selectors.import_jobs(request.user, client=client)[:8],
        "pending_runs": selectors.mining_runs(request.user, client=client).filter(
            status__in=[MiningStatus.QUEUED, MiningStatus.RUNNING]
        ),
        "calls": CallRecord.objects.filter(client=client).count(),
        "mine_form": MineForm(initial={"since": since, "until": until}),
    }
    return render(request, "knowledge/calls/home.html", context)


@login_required
def upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    client = _manager_client_or_403(request, slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with shown(request, form=form):
            job = services.import_upload(client=client, by=request.user, upload=form.cleaned_data["file"])
            return redirect("knowledge:calls_job", job.pk)
    return render(request, "knowledge/calls/upload.html", {"client": client, "form": form})


def _job_or_404(request: AuthenticatedHttpRequest, pk: int):
    job = selectors.import_job_for(request.user, pk)
    if job is None:
        raise Http404(_("No such import."))
    return job


@login_required
def job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    if job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return render(request, "knowledge/calls/job_progress.html", {"job": job, "client": job.client})
    can_map = job.status in (ImportStatus.UPLOADED, ImportStatus.REJECTED) and bool(job.file_path)
    form = None
    if can_map:
        initial = {"valid_only": "1" if job.status == ImportStatus.REJECTED else "0"}
        form = MappingForm(request.POST or None, headers=job.headers, mapping=job.mapping, initial=initial)
        if request.method == "POST" and form.is_valid():
            # Kept: the service names columns ("phone"), the form's fields are "map_phone".
            try:
                services.import_start(
                    job=job,
                    by=request.user,
                    mapping=form.mapping(),
                    valid_only=form.cleaned_data["valid_only"],
                    save_mapping=form.cleaned_data["save_mapping"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for key, errors in exc.message_dict.items():
                        form.add_error(f"map_{key}" if f"map_{key}" in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                return redirect("knowledge:calls_job", job.pk)
    elif request.method == "POST":
        messages.error(request, _("This import has already run. Upload the file again to import it again."))
        return redirect("knowledge:calls_job", job.pk)
    context = {
        "job": job,
        "client": job.client,
        "form": form,
        "preview": services.import_preview(job) if can_map else [],
    }
    template = (
        "knowledge/calls/job_mapping.html"
        if job.status == ImportStatus.UPLOADED
        else "knowledge/calls/job_result.html"
    )
    return render(request, template, context)


@login_required
def job_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    response = render(request, "knowledge/calls/_job_progress.html", {"job": job})
    if job.is_finished and request.htmx:
        response["HX-Redirect"] = reverse("knowledge:calls_job", args=[job.pk])
    return response


@login_required
def job_errors(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    job = _job_or_404(request, pk)
    if not job.errors_file or not Path(job.errors_file).exists():
        raise Http404(_("This import has no bad rows."))
    return FileResponse(
        Path(job.errors_file).open("rb"),
        as_attachment=True,
        filename=f"bad-rows-{job.pk}.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
@require_POST
def mine(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    client = _manager_client_or_403(request, slug)
    form = MineForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("knowledge:calls_home", client.slug)
    with shown(request):
        run = services.mining_request(
            client=client, since=form.cleaned_data["since"], until=form.cleaned_data["until"], by=request.user
        )
        messages.success(request, _("Topic mining started. The topics appear here when it is done."))
        return redirect(reverse("knowledge:calls_topics", args=[client.slug]) + f"?run={run.pk}")
    return redirect("knowledge:calls_home", client.slug)


@login_required
def topics(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    client = _client_or_404(request, slug)
    runs = selectors.mining_runs(request.user, client=client)
    run = None
    run_id = request.GET.get("run", "")
    if run_id.isdigit():
        run = runs.filter(pk=int(run_id)).first()
    run = run or selectors.latest_run(request.user, client=client)
    topic_list = (
        list(selectors.topics(request.user, run=run)) if run and run.status == MiningStatus.DONE else []
    )
    filter_ = request.GET.get("show", "")
    gap_count = sum(1 for t in topic_list if t.is_gap)
    if filter_ == "gaps":
        topic_list = [t for t in topic_list if t.is_gap]
    context = {
        "client": client,
        "run": run,
        "runs": runs.filter(status=MiningStatus.DONE)[:12],
        "topics": topic_list,
        "show": filter_,
        "gap_count": gap_count,
        "manager": can_manage_client(request.user, client),
        "max_share": max((t.share for t in topic_list), default=0) or 1,
    }
    return render(request, "knowledge/calls/topics.html", context)


@login_required
def run_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = selectors.mining_run_for(request.user, pk)
    if run is None:
        raise Http404(_("No such mining run."))
    response = render(request, "knowledge/calls/_run_status.html", {"run": run})
    if run.status in (MiningStatus.DONE, MiningStatus.FAILED) and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
def topic(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_for(request.user, pk)
    if topic is None:
        raise Http404(_("No such topic."))
    drafts = [(link, article_url(link.article)) for link in selectors.topic_drafts(topic)]
    context = {
        "topic": topic,
        "client": topic.client,
        "run": topic.run,
        "calls": selectors.topic_calls(topic, limit=30),
        "drafts": drafts,
        "covered_url": article_url(topic.covered_by) if topic.covered_by else "",
        "linked": [link.article for link in topic.articles.filter(linked=True).select_related("article")],
        "manager": can_manage_client(request.user, topic.client),
    }
    if context["manager"]:
        from knowledge.search.selectors import published_titles

        context["siblings"] = list(
            topic.run.topics.exclude(pk=topic.pk).order_by("rank").values("pk", "label")
        )
        context["links"] = selectors.topic_links(topic)
        context["titles"] = published_titles(topic.client)
    return render(request, "knowledge/calls/topic.html", context)


@login_required
@require_POST
def topic_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager links a topic to an existing article (its calls teach search how customers ask for
    it), or takes such a link back."""
    from knowledge.search.selectors import article_by_reference

    topic = selectors.topic_for(request.user, pk)
    if topic is None:
        raise Http404(_("No such topic."))
    if not can_manage_client(request.user, topic.client):
        raise PermissionDenied(_("Only managers of this client may link topics to articles."))
    back = reverse("knowledge:calls_topic", args=[topic.pk]) + "#links"
    with shown(request):
        if request.POST.get("action") == "unlink":
            linked = selectors.linked_article(topic, request.POST.get("article", ""))
            if linked is None:
                raise ValidationError({"article": _("This topic is not linked to that article.")})
            freed = services.topic_unlink_article(topic=topic, article=linked, by=request.user)
            messages.success(
                request,
                _("Unlinked from “%(title)s”: %(calls)s calls no longer teach search.")
                % {"title": linked.title, "calls": freed},
            )
            return redirect(back)
        form = TopicLinkForm(request.POST)
        article = (
            article_by_reference(topic.client, form.cleaned_data["article"]) if form.is_valid() else None
        )
        if article is None:
            raise ValidationError({"article": _("No published article of this client has that title or id.")})
        link = services.topic_link_article(topic=topic, article=article, by=request.user)
        messages.success(
            request,
            _("Linked to “%(title)s”: %(calls)s calls of this topic teach search how customers ask.")
            % {"title": article.title, "calls": len(link.linked_call_ids)},
        )
    return redirect(back)


@login_required
@require_POST
def topic_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager renames a topic, merges it into another or splits calls off it (kept by later runs)."""
    topic = selectors.topic_for(request.user, pk)
    if topic is None:
        raise Http404(_("No such topic."))
    if not can_manage_client(request.user, topic.client):
        raise PermissionDenied(_("Only managers of this client may change topics."))
    action = request.POST.get("action")
    with shown(request):
        if action == "rename":
            services.topic_rename(topic=topic, name=request.POST.get("name", ""), by=request.user)
            messages.success(request, _("Topic renamed; later mining runs keep the name."))
            return redirect("knowledge:calls_topic", pk=topic.pk)
        if action == "merge":
            into = topic.run.topics.filter(pk=request.POST.get("into") or 0).first()
            if into is None:
                raise ValidationError({"into": _("Choose another topic of the same run.")})
            services.topic_merge(topic=topic, into=into, by=request.user)
            messages.success(request, _("The topics are merged; the period is being mined again."))
        elif action == "split":
            services.topic_split(
                topic=topic,
                keyword=request.POST.get("keyword", ""),
                name=request.POST.get("name", ""),
                by=request.user,
            )
            messages.success(request, _("The calls are split off; the period is being mined again."))
        else:
            raise ValidationError({"action": _("Choose rename, merge or split.")})
        return redirect(f"{reverse('knowledge:calls_topics', args=[topic.client.slug])}?run={topic.run_id}")
    return redirect("knowledge:calls_topic", pk=topic.pk)


@login_required
@require_POST
def topic_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_for(request.user, pk)
    if topic is None:
        raise Http404(_("No such topic."))
    if not can_manage_client(request.user, topic.client):
        raise PermissionDenied(_("Only managers of this client may draft manual articles."))
    article = services.topic_create_draft(topic=topic, by=request.user)
    messages.success(
        request,
        _("Draft article “%(title)s” created. Edit it and send it for review.") % {"title": article.title},
    )
    return redirect(article_url(article) or reverse("knowledge:calls_topic", args=[topic.pk]))


@login_required
def records(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    client = _client_or_404(request, slug)
    form = RecordFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.call_records(
        request.user,
        client=client,
        since=filters.get("since"),
        until=filters.get("until"),
        query=filters.get("q") or "",
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "knowledge/calls/records.html",
        {"client": client, "form": form, "page": page, "querystring": query.urlencode()},
    )


@login_required
def record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = selectors.call_record_for(request.user, pk)
    if call is None:
        raise Http404(_("No such call record."))
    return render(request, "knowledge/calls/record.html", {"call": call, "client": call.client})
