"""Report pages. Thin: parse input, call a selector or a service, render from the stored figures."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import ClientCompany
from accounts.permissions import can_manage_client
from accounts.requests import AuthenticatedHttpRequest
from core.dates import month_bounds, parse_month, previous_month
from core.errors import shown
from core.http import attachment_disposition

from . import charts, exports, selectors, services
from .findings import describe, weekday_name
from .forms import BuildForm, RegenerateForm
from .models import ReportSnapshot


def _client_or_404(request: AuthenticatedHttpRequest, slug: str) -> ClientCompany:
    client = selectors.client_for(request.user, slug)
    if client is None:
        raise Http404(_("No such client."))
    return client


def _snapshot_or_404(request: AuthenticatedHttpRequest, pk: int) -> ReportSnapshot:
    snapshot = selectors.snapshot_for(request.user, pk)
    if snapshot is None:
        raise Http404(_("No such report."))
    return snapshot


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    clients = list(selectors.clients_for(request.user))
    latest = selectors.latest_snapshots(request.user)
    last_month = month_bounds(previous_month(timezone.localdate()))
    context = {
        "rows": [(c, latest.get(c.pk)) for c in clients],
        "last_month": last_month[0],
        "dashboards": selectors.can_see_dashboards(request.user),
        "is_admin": request.user.is_admin,
    }
    return render(request, "reports/home.html", context)


@login_required
def client(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    client = _client_or_404(request, slug)
    manager = can_manage_client(request.user, client)
    snapshots = list(selectors.snapshots_for(request.user, client=client).defer("figures"))
    built = {(s.period_start, s.period_end): s for s in snapshots}
    months = [(m, built.get(month_bounds(m))) for m in selectors.call_months(client)]
    last = previous_month(timezone.localdate())
    form = BuildForm(initial={"month": f"{last:%Y-%m}"})
    context = {
        "client": client,
        "manager": manager,
        "snapshots": snapshots,
        "months": months,
        "custom": [s for s in snapshots if not s.is_month],
        "form": form,
    }
    return render(request, "reports/client.html", context)


@login_required
@require_POST
def build(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    client = _client_or_404(request, slug)
    if not can_manage_client(request.user, client):
        raise PermissionDenied(_("Only managers of this client may build its reports."))
    form = BuildForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("reports:client", client.slug)
    with shown(request):
        snapshot, queued = services.snapshot_request(
            client=client, since=form.cleaned_data["since"], until=form.cleaned_data["until"], by=request.user
        )
        if queued:
            messages.success(request, _("The report is being built. It appears here when it is ready."))
        else:
            messages.info(
                request, _("This period's report already exists. Regenerate it to include newer data.")
            )
        return redirect(snapshot)
    return redirect("reports:client", client.slug)


def _diagnosis_context(snapshot) -> dict:
    f = snapshot.figures
    first, last = charts.busy_hours(f["heatmap"])
    buckets = f["handle_time"]["buckets"]
    aht_chart = charts.bar_chart([(exports._bucket(b), b["calls"]) for b in buckets], width=520, height=190)
    findings = [{**x, "text": describe(x)} for x in f["findings"]]
    categories = f["categories"]
    topics = f["mining"]["topics"]
    return {
        "f": f,
        "findings": findings,
        "daily_chart": charts.daily_chart(f["daily"]),
        "heatmap": charts.heatmap(
            f["heatmap"], labels=[weekday_name(i) for i in range(7)], first_hour=first, last_hour=last
        ),
        "weekdays": [weekday_name(i) for i in range(7)],
        "channel_bar": charts.stacked([(c["channel"], c["calls"]) for c in f["channels"]]),
        "aht_chart": aht_chart,
        "max_category": max((c["calls"] for c in categories), default=0) or 1,
        "max_topic": max((t["calls"] for t in topics), default=0) or 1,
        "max_term": max((t["count"] for t in f["search"]["top_terms"]), default=0) or 1,
        "peak_day": max(f["daily"], key=lambda d: d["calls"], default=None),
    }


@login_required
def snapshot(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    snapshot = _snapshot_or_404(request, pk)
    manager = can_manage_client(request.user, snapshot.client)
    context = {"snapshot": snapshot, "client": snapshot.client, "manager": manager}
    if not snapshot.is_ready:
        return render(request, "reports/building.html", context)
    context.update(_diagnosis_context(snapshot))
    context["newer_imports"] = list(selectors.imports_since_built(snapshot)[:3])
    context["regenerate_form"] = RegenerateForm()
    return render(request, "reports/snapshot.html", context)


@login_required
def snapshot_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    snapshot = _snapshot_or_404(request, pk)
    response = render(request, "reports/_progress.html", {"snapshot": snapshot})
    if not snapshot.is_building and request.htmx:
        response["HX-Redirect"] = snapshot.get_absolute_url()
    return response


@login_required
@require_POST
def regenerate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    snapshot = _snapshot_or_404(request, pk)
    if not can_manage_client(request.user, snapshot.client):
        raise PermissionDenied(_("Only managers of this client may regenerate its reports."))
    form = RegenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the report is regenerated: the reason is kept in the audit log."))
        return redirect(snapshot)
    with shown(request):
        services.snapshot_regenerate(snapshot=snapshot, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The report is being rebuilt from today's data."))
    return redirect(snapshot)


def _export_disposition(snapshot, ext: str) -> str:
    """운영진단_한빛카드_2026-11-01~2026-11-30_v2.xlsx, with an ASCII name for old clients."""
    period = f"{snapshot.period_start:%Y-%m-%d}~{snapshot.period_end:%Y-%m-%d}"
    name = _("Operations diagnosis_%(client)s_%(period)s_v%(version)s") % {
        "client": snapshot.client.name,
        "period": period,
        "version": snapshot.version,
    }
    ascii_name = (
        f"diagnosis-{snapshot.client.slug}-{snapshot.period_start:%Y%m%d}-{snapshot.period_end:%Y%m%d}"
        f"-v{snapshot.version}.{ext}"
    )
    return attachment_disposition(f"{name}.{ext}", ascii_name=ascii_name)


def _ready_or_404(request: AuthenticatedHttpRequest, pk: int) -> ReportSnapshot:
    snapshot = _snapshot_or_404(request, pk)
    if not snapshot.is_ready:
        raise Http404(_("This report is not built yet."))
    return snapshot


@login_required
def export_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    snapshot = _ready_or_404(request, pk)
    response = HttpResponse(
        exports.to_xlsx(snapshot.figures),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = _export_disposition(snapshot, "xlsx")
    return response


@login_required
def export_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    snapshot = _ready_or_404(request, pk)
    response = HttpResponse(exports.to_csv(snapshot.figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _export_disposition(snapshot, "csv")
    return response


# --- Management dashboards ------------------------------------------------------------------------
def _month(request: HttpRequest) -> date:
    return parse_month(request.GET.get("month", "")) or timezone.localdate().replace(day=1)


def _require_dashboards(request: AuthenticatedHttpRequest) -> None:
    if not selectors.can_see_dashboards(request.user):
        raise PermissionDenied(_("The dashboards are for managers and admins."))


def _months_around(month: date) -> dict:
    prev = previous_month(month)
    nxt = date.fromordinal(month_bounds(month)[1].toordinal() + 1)
    this = timezone.localdate().replace(day=1)
    return {"month": month, "prev_month": prev, "next_month": nxt if nxt <= this else None}


@login_required
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_dashboards(request)
    month = _month(request)
    teams = list(selectors.teams_for(request.user))
    chosen = None
    raw = request.GET.get("team", "")
    if raw.isdigit():
        chosen = next((t for t in teams if t.pk == int(raw)), None)
        if chosen is None:
            # Another manager's team answers like one that does not exist: no existence oracle.
            raise Http404(_("No such team among yours."))
    people = list(selectors.dashboard_people(request.user, team=chosen))
    rows = selectors.people_rows(people, month=month)
    context = {
        "rows": rows,
        "groups": selectors.team_groups(rows),
        "teams": teams,
        "team": chosen,
        "cap_hours": 52,
        **_months_around(month),
    }
    return render(request, "reports/team.html", context)


@login_required
def company(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied(_("The company view is for admins."))
    month = _month(request)
    people = list(selectors.dashboard_people(request.user))
    rows = selectors.people_rows(people, month=month)
    groups = selectors.team_groups(rows)
    total = selectors.GroupRow(label=_("Company"), rows=rows, people=len(rows))
    context = {
        "groups": groups,
        "total": total,
        "clients": selectors.client_rollup(request.user, month=month),
        "cap_hours": 52,
        **_months_around(month),
        "team_url": reverse("reports:team"),
    }
    return render(request, "reports/company.html", context)
