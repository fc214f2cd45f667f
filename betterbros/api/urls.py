"""`/api/v1/`: one router for every resource, plus the OpenAPI schema, Swagger UI and ReDoc."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.api.views import UserViewSet
from props.api.edges import EdgesView
from props.api.experiments import ExperimentViewSet
from props.api.import_runs import ImportRunViewSet
from props.api.line_history import MarketHistoryView, MoversView
from props.api.markets import PropMarketViewSet
from props.api.slips import SavedSlipViewSet
from props.api.snapshots import SnapshotViewSet

router = DefaultRouter()
# Resources are registered here, e.g. router.register("snapshots", SnapshotViewSet).
router.register("users", UserViewSet, basename="user")
router.register("experiments", ExperimentViewSet, basename="experiment")
router.register("saved-slips", SavedSlipViewSet, basename="saved-slip")
router.register("snapshots", SnapshotViewSet, basename="snapshot")
router.register("prop-markets", PropMarketViewSet, basename="prop-market")
router.register("import-runs", ImportRunViewSet, basename="import-run")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("prop-markets/movers/", MoversView.as_view(), name="prop-market-movers"),
    path(
        "prop-markets/<uuid:pk>/history/",
        MarketHistoryView.as_view(),
        name="prop-market-history",
    ),
    path("prop-markets/edges/", EdgesView.as_view(), name="prop-market-edges"),
    path("", include(router.urls)),
]
