"""Admin template tags of line movement: the market change page's chart and the index page's
dashboard (each a template of its own, filled by props.admin.line_chart / .dashboard)."""

from django import template
from django.urls import reverse

from ..admin.dashboard import dashboard
from ..admin.line_chart import build_line_chart

register = template.Library()


@register.inclusion_tag("admin/props/propmarket/line_chart.html")
def market_line_chart(market):
    """`{% market_line_chart original %}`: the chart and the points beside it."""
    if market is None or market.pk is None:
        return {"chart": None}
    return {
        "chart": build_line_chart(market),
        "history_url": reverse("admin:props_propmarket_history", args=[market.pk]),
    }


@register.inclusion_tag("admin/props/dashboard.html", takes_context=True)
def props_dashboard(context):
    """`{% props_dashboard %}`: the back office's board overview (staff only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_staff:
        return {"dashboard": None}
    return {"dashboard": dashboard()}
