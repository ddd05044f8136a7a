from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "v1/",
        include(
            [
                path("", include("accounts.api.urls")),
                path("knowledge/", include("knowledge.api_urls")),
                path("bookclub/", include("bookclub.api.urls")),
                path("wellbeing/", include("wellbeing.api.urls")),
                path("reports/", include("reports.api.urls")),
            ]
        ),
    ),
]
