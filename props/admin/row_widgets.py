"""The editable market list's rows, rendered without a template-engine pass per input.

A 100-row page has ~500 inputs (line, odds, active, the hidden id, the action checkbox) and
~300 empty error lists; through Django's widget templates they were most of a list page's time
(4 s for 500 rows at 1M markets). The row form's renderer writes plain `<input>` tags itself,
byte for byte what `django/forms/widgets/input.html` + `attrs.html` write, and an empty error
list as nothing; anything else (a widget with its own template, a list with errors) goes
through the templates as before.

Each row's link to its change page was a `reverse()` and, on a filtered list, a `resolve()` of
that URL (to carry the filters along); the link is now built once per page and the row's id
put in.

On a save, the formset's hidden `id` field found each posted row with its own query (one per
row of the page); it now takes the row from the formset's queryset, which the formset reads
once anyway.
"""

import functools
import html

from django import forms
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.db import models
from django.forms.models import BaseModelFormSet
from django.forms.renderers import DjangoTemplates
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# Widget templates that are just django/forms/widgets/input.html.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "hidden", "checkbox", "email", "url", "password")
)
ERROR_LIST_TEMPLATES = frozenset(
    {"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"}
)


def _text(value):
    # `{{ value|stringformat:'s' }}` under autoescape: str(), escaped unless already safe
    # (django.utils.html.escape is html.escape, without its lazy-string wrapper).
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def input_tag(widget) -> str:
    """django/forms/widgets/input.html for this widget context."""
    parts = [f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"']
    if widget["value"] is not None:
        parts.append(f' value="{_text(widget["value"])}"')
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    parts.append(">")
    return "".join(parts)


class RowRenderer(DjangoTemplates):
    """Django's form renderer, with the plain inputs and empty error lists written directly."""

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES and "widget" in context:
            return input_tag(context["widget"])
        if template_name in ERROR_LIST_TEMPLATES and not context.get("errors"):
            return ""
        return super().render(template_name, context, request)


ROW_RENDERER = RowRenderer()


def action_checkbox(obj) -> str:
    """ModelAdmin.action_checkbox's markup (a CheckboxInput render), written directly."""
    return format_html(
        '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
        ACTION_CHECKBOX_NAME,
        str(obj.pk),
        format_html(_("Select this object for an action - {}"), str(obj)),
    )


class KnownRowChoiceField(forms.ModelChoiceField):
    """The formset's hidden `id`: a posted id is looked up among the rows the formset already
    read (one query for the page) before asking the database (one query per row)."""

    known_rows = dict  # set by RowFormSet: a callable giving {str(pk): row}

    def to_python(self, value):
        if value not in self.empty_values:
            known = self.known_rows().get(str(value))
            if known is not None:
                return known
        return super().to_python(value)


class RowFormSet(BaseModelFormSet):
    """The changelist formset of the market list (see the module docstring)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields[self.model._meta.pk.name]
        field.__class__ = KnownRowChoiceField  # the same field, with the look-up above
        field.known_rows = self._rows_by_pk

    def _rows_by_pk(self):
        if not hasattr(self, "_known_rows"):
            self._known_rows = {str(row.pk): row for row in self.get_queryset()}
        return self._known_rows


class RowLinksMixin:
    """For a ChangeList: each row's change link from one link built per page (the same URL,
    filters carried in `_changelist_filters`, as Django builds per row)."""

    PLACEHOLDER = "0row-id0"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The filters go into the link here, once; the admin's row loop then has none to add
        # (it would resolve() every row's URL to add them).
        self.row_link_filters, self.preserved_filters = self.preserved_filters, ""
        self._row_link = None

    def url_for_result(self, result):
        if self._row_link is None:
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(self.PLACEHOLDER,),
                current_app=self.model_admin.admin_site.name,
            )
            context = {"preserved_filters": self.row_link_filters, "opts": self.opts}
            self._row_link = add_preserved_filters(context, url).split(self.PLACEHOLDER, 1)
        before, after = self._row_link
        return f"{before}{quote(getattr(result, self.pk_attname))}{after}"


@functools.cache
def with_row_links(changelist_class):
    return type(changelist_class.__name__, (RowLinksMixin, changelist_class), {})


# --- the rows themselves ------------------------------------------------------------------------


class ResultRows:
    """What the admin's `{% result_list cl %}` tag gives admin/change_list_results.html, with
    each row from `row_cells` (read lazily, after the view has given `cl` its formset)."""

    def __init__(self, cl):
        self.cl = cl

    @functools.cached_property
    def result_headers(self):
        return list(admin_list.result_headers(self.cl))

    @functools.cached_property
    def num_sorted_fields(self):
        return sum(1 for h in self.result_headers if h["sortable"] and h["sorted"])

    @functools.cached_property
    def result_hidden_fields(self):
        return list(admin_list.result_hidden_fields(self.cl))

    @functools.cached_property
    def results(self):
        cl = self.cl
        forms_ = cl.formset.forms if cl.formset else [None] * len(cl.result_list)
        return [
            admin_list.ResultList(form, row_cells(cl, result, form))
            for result, form in zip(cl.result_list, forms_, strict=False)
        ]


def row_cells(cl, result, form):
    """django.contrib.admin.templatetags.admin_list.items_for_result, the same cells, except
    that a list_editable column renders its input straight away: Django first formats the
    value it then throws away (a static() URL lookup per boolean, number_format per float)."""
    if form is None or not any(name in form.fields for name in cl.list_display):
        return list(admin_list.items_for_result(cl, result, form))
    # Django's cells for the other columns, from a view of `cl` with those columns only.
    others = _ColumnsOf(cl, [name for name in cl.list_display if name not in form.fields])
    plain = iter(admin_list.items_for_result(others, result, None))
    cells = []
    for name in cl.list_display:
        if name not in form.fields:
            cells.append(next(plain))
            continue
        classes = f"field-{name}"
        field = cl.lookup_opts.get_field(name)
        if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
            classes += " nowrap"
        bound = form[name]
        cells.append(
            format_html(
                '<td class="{}">{}</td>', classes, mark_safe(str(bound.errors) + str(bound))
            )
        )
    return cells


class _ColumnsOf:
    """`cl` with another list_display."""

    def __init__(self, cl, list_display):
        self._cl, self.list_display = cl, list_display

    def __getattr__(self, name):
        return getattr(self._cl, name)
