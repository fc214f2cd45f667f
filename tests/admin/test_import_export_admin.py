"""Import from the admin: upload, see the dry run's preview, confirm (a background job, run
eagerly here; its progress page shows the outcome). Export the filtered changelist as the
export_props CSV. Same code paths as the commands."""

import csv
import io
import re

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from props.models import PropMarket
from props.services import lock_snapshot
from tests.factories import PropMarketFactory, SnapshotFactory
from tests.jobs.eager import job_files, run_jobs_eagerly  # noqa: F401

from .conftest import messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("run_jobs_eagerly")]

BOARD = (
    "platform,external_id,league,week,player_name,market_type,line,odds\n"
    "prizepicks,pp-1,NFL,5,Josh Allen,passing_yards,265.5,-110\n"
    "prizepicks,pp-2,NFL,5,James Cook,rushing_yards,70.5,\n"
)
BAD_BOARD = BOARD + "prizepicks,pp-3,NFL,5,Bad Line,rushing_yards,-4,\n"


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.ADMIN_IMPORT_DIR = tmp_path / "uploads"
    return settings.ADMIN_IMPORT_DIR


def upload(client, text, name="board.csv", **options):
    handle = io.BytesIO(text.encode())
    handle.name = name
    return client.post(reverse("admin:props_propmarket_import"), {"file": handle, **options})


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def confirm(client, token):
    return client.post(reverse("admin:props_propmarket_import_confirm"), {"token": token})


def job_page(client, response):
    """The progress page of the job a confirmation queued (finished: jobs run eagerly here)."""
    assert response.url.startswith("/admin/props/backgroundjob/")
    return client.get(response.url).content.decode()


def test_the_preview_counts_what_the_import_would_do_and_writes_nothing(staff_client, import_dir):
    PropMarketFactory(platform="prizepicks", external_id="pp-1", league="NFL", week=5, line=260.5)
    response = upload(staff_client, BOARD)
    report = response.context["report"]
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert "Preview of board.csv — nothing written yet" in response.content.decode()
    assert not PropMarket.objects.filter(external_id="pp-2").exists()
    assert len(list(import_dir.glob("*.upload"))) == 1


def test_confirming_the_preview_imports_the_file_with_history(
    staff_client, staff_user, import_dir, settings
):
    response = confirm(staff_client, token_of(upload(staff_client, BOARD)))
    assert "Imported board.csv: 2 created" in job_page(staff_client, response)
    allen = PropMarket.objects.get(external_id="pp-1")
    assert allen.odds == 1.9091
    assert allen.history.get().history_user == staff_user
    # The upload is gone once imported.
    assert not list(import_dir.glob("*.upload"))
    assert not list(settings.JOB_FILES_ROOT.iterdir())


def test_rejected_rows_are_listed_with_row_field_and_reason_and_nothing_is_offered(
    staff_client, import_dir
):
    response = upload(staff_client, BAD_BOARD)
    page = response.content.decode()
    assert 'id="import-rejected"' in page
    assert "<td>line</td><td>&#x27;-4&#x27; is not between" in page
    assert '<td class="count">1</td><td>line 4</td>' in page
    assert 'name="token"' not in page  # all-or-nothing: nothing to confirm
    assert not PropMarket.objects.exists()


def test_with_skip_invalid_the_valid_rows_can_be_confirmed(staff_client, import_dir):
    preview = upload(staff_client, BAD_BOARD, skip_invalid="on")
    assert preview.context["report"].created == 2
    assert len(preview.context["rejected"]) == 1
    confirm(staff_client, token_of(preview))
    assert PropMarket.objects.count() == 2


def test_a_file_in_no_known_format_is_explained(staff_client, import_dir):
    response = upload(staff_client, "just some words\n", name="notes.txt")
    assert "Cannot tell the file&#x27;s format" in response.content.decode()


def test_a_forged_or_foreign_token_imports_nothing(staff_client, import_dir):
    response = confirm(staff_client, "not-a-token")
    assert response.url == reverse("admin:props_propmarket_import")
    assert "This preview has expired; upload the file again." in messages_of(response)


def test_a_preview_of_another_staff_member_cannot_be_confirmed(client, staff_client, import_dir):
    from tests.factories import StaffUserFactory

    token = token_of(upload(staff_client, BOARD))
    client.force_login(StaffUserFactory())
    confirm(client, token)
    assert not PropMarket.objects.exists()


def test_a_snapshot_locked_between_preview_and_confirm_is_refused(
    staff_client, staff_user, import_dir
):
    snapshot = SnapshotFactory(snapshot_id="nfl-week-5-working")
    preview = upload(staff_client, BOARD, snapshot=str(snapshot.pk))
    assert preview.context["report"].created == 2
    lock_snapshot(snapshot=snapshot, user=staff_user)
    response = confirm(staff_client, token_of(preview))
    assert "is locked" in job_page(staff_client, response)
    assert not PropMarket.objects.exists()


def test_importing_into_a_new_snapshot_creates_it(staff_client, import_dir):
    confirm(staff_client, token_of(upload(staff_client, BOARD, new_snapshot="nfl-week-5-import")))
    assert PropMarket.objects.filter(snapshot__snapshot_id="nfl-week-5-import").count() == 2


def test_export_writes_the_filtered_list_as_export_props_csv(staff_client):
    PropMarketFactory(league="NFL", week=5, external_id="keep", extra_metadata={"a": 1})
    PropMarketFactory(league="NBA", week=5, external_id="drop")
    url = reverse("admin:props_propmarket_export") + "?league__exact=NFL"
    response = staff_client.get(url)
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["external_id"] for row in rows] == ["keep"]
    assert rows[0]["extra_metadata"] == '{"a":1}'


def test_an_export_imports_back_unchanged(staff_client, import_dir):
    PropMarketFactory.create_batch(3, league="NFL", week=5)
    exported = b"".join(
        staff_client.get(reverse("admin:props_propmarket_export")).streaming_content
    )
    preview = upload(staff_client, exported.decode(), name="export.csv")
    report = preview.context["report"]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


def test_missing_options_are_one_message_naming_the_form_fields(staff_client, import_dir):
    text = "platform,external_id,league,player_name,market_type,line\n" + "".join(
        f"prizepicks,pp-{n},,Player {n},passing_yards,200.5\n" for n in range(30)
    )
    response = upload(staff_client, text)
    [error] = re.findall(r'id="import-error">([^<]*)<', response.content.decode())
    assert error.startswith("Give the League field and the Week field:")
    assert "30 rows name no league" in error


def test_rejected_rows_are_grouped_by_field_and_reason_with_a_count(staff_client, import_dir):
    text = BOARD + "".join(
        f"prizepicks,pp-{n},NFL,5,Bad Line,rushing_yards,-4,\n" for n in range(3, 33)
    )
    page = upload(staff_client, text).content.decode()
    assert page.count("<td>line</td>") == 1
    assert '<td class="count">30</td><td>line 4, line 5, line 6, line 7, line 8, …</td>' in page


def test_the_export_streams_rows_read_only_as_it_is_sent(staff_client):
    PropMarketFactory.create_batch(3, league="NFL", week=5)
    with CaptureQueriesContext(connection) as before_sending:
        response = staff_client.get(reverse("admin:props_propmarket_export"))
    assert type(response) is StreamingHttpResponse
    # (The changelist's bounded count runs; no row is read yet.)
    assert not [q for q in before_sending.captured_queries if "player_name" in q["sql"]]

    with CaptureQueriesContext(connection) as sending:
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 3
    assert any("DECLARE" in q["sql"] for q in sending.captured_queries)  # server-side cursor


def test_an_export_of_live_and_snapshot_markets_imports_back_unchanged(
    staff_client, staff_user, import_dir
):
    PropMarketFactory(league="NFL", week=5, external_id="same")
    PropMarketFactory(league="NFL", week=5, external_id="same", snapshot=SnapshotFactory())
    locked = SnapshotFactory()
    PropMarketFactory(league="NFL", week=5, external_id="same", snapshot=locked)
    lock_snapshot(snapshot=locked, user=staff_user)
    url = reverse("admin:props_propmarket_export") + "?board=all"
    exported = b"".join(staff_client.get(url).streaming_content).decode()
    assert len(exported.splitlines()) == 4

    report = upload(staff_client, exported, name="export.csv").context["report"]

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
