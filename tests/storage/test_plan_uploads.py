"""Plan files sent in chat, in storage: kept for an admin's Confirm, imported once, checked again when
confirmed, called off, or expired after a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from storage import InvalidInput, NotFound, PermissionDenied, Store, UploadClosed
from storage.plan_issues import PlanError
from storage.plan_notes import NoteKind
from storage.uploads import MAX_BYTES, UPLOAD_TTL, UploadOptions
from tests.plan_files import EXCEL_CSV, EXCEL_ROWS, excel_csv

SENT = datetime(2021, 4, 6, 9, 0, tzinfo=UTC)
ADA = "local:ada"


def note(file_name: str) -> str:
    return f"From chat: {file_name}"


@pytest.fixture
async def admin_store(seeded_store: Store) -> Store:
    await seeded_store.set_role(ADA, "admin", True, display_name="Ada Admin")
    return seeded_store


async def test_a_non_admin_cannot_keep_a_plan_file_and_nothing_is_kept(admin_store: Store):
    with pytest.raises(PermissionDenied) as refused:
        await admin_store.create_plan_upload("local:sam", "plan.csv", EXCEL_CSV, now=SENT)
    assert refused.value.attempt == "import_plan"
    with pytest.raises(NotFound):  # the first upload's id is free: nothing was written
        await admin_store.confirm_plan_upload(1, ADA, note=note, now=SENT)


async def test_confirming_imports_the_kept_file_once_and_records_who_and_when(admin_store: Store):
    upload = await admin_store.create_plan_upload(ADA, "plan.csv", EXCEL_CSV, now=SENT)
    assert (upload.file_name, upload.size, upload.outcome, upload.uploader_key) == (
        "plan.csv",
        len(EXCEL_CSV),
        None,
        ADA,
    )

    done = await admin_store.confirm_plan_upload(upload.id, ADA, note=note, now=SENT + timedelta(minutes=5))

    assert done.result.added == ("RS-01", "RS-02") and not done.result.dry_run
    assert done.result.sample_actions_removed == 29
    assert NoteKind.WINDOWS_1252 in {n.kind for n in done.notes}
    assert (done.upload.outcome, done.upload.closed_by) == ("confirmed", ADA)
    assert done.upload.closed_at == SENT + timedelta(minutes=5)
    action = await admin_store.get_action("RS-01")
    assert action.title == "Caf\u00e9 Wi-Fi \u2013 \u00a3 review"
    assert (action.due, action.partners, action.status, action.plan_year) == (
        date(2021, 6, 30),
        ("Tunbridge Wells",),
        "in progress",
        "2021/22",
    )

    with pytest.raises(UploadClosed) as again:
        await admin_store.confirm_plan_upload(upload.id, ADA, note=note, now=SENT + timedelta(minutes=6))
    assert (again.value.outcome, again.value.file_name) == ("confirmed", "plan.csv")
    assert again.value.closed_at == SENT + timedelta(minutes=5)
    assert await admin_store.count_actions() == 2


async def test_a_second_confirm_writes_no_history(admin_store: Store):
    upload = await admin_store.create_plan_upload(ADA, "plan.csv", EXCEL_CSV, now=SENT)
    changed = excel_csv([*EXCEL_ROWS[:2], EXCEL_ROWS[2].replace(",0,green", ",10,green")])
    first = await admin_store.create_plan_upload(ADA, "first.csv", changed, now=SENT)
    await admin_store.confirm_plan_upload(first.id, ADA, note=note, now=SENT)
    await admin_store.confirm_plan_upload(upload.id, ADA, note=note, now=SENT)  # RS-02 back from 10 to 0
    rows = await admin_store.action_history("RS-02")

    with pytest.raises(UploadClosed):
        await admin_store.confirm_plan_upload(upload.id, ADA, note=note, now=SENT)

    assert await admin_store.action_history("RS-02") == rows
    assert [r.note for r in rows if r.kind == "import"] == ["From chat: plan.csv"]


async def test_an_upload_older_than_a_day_is_marked_expired_and_never_imported(admin_store: Store):
    upload = await admin_store.create_plan_upload(ADA, "plan.csv", EXCEL_CSV, now=SENT)
    late = SENT + UPLOAD_TTL + timedelta(minutes=1)

    with pytest.raises(UploadClosed) as expired:
        await admin_store.confirm_plan_upload(upload.id, ADA, note=note, now=late)
    assert (expired.value.outcome, expired.value.closed_at) == ("expired", late)

    with pytest.raises(UploadClosed) as still:  # the expiry was kept: it does not depend on the clock now
        await admin_store.confirm_plan_upload(upload.id, ADA, note=note, now=SENT)
    assert still.value.outcome == "expired"
    assert await admin_store.count_actions() == 29  # the sample plan, untouched


async def test_a_cancelled_upload_cannot_be_confirmed_and_only_admins_cancel(admin_store: Store):
    upload = await admin_store.create_plan_upload(ADA, "plan.csv", EXCEL_CSV, now=SENT)
    with pytest.raises(PermissionDenied):
        await admin_store.cancel_plan_upload(upload.id, "local:sam", now=SENT)

    gone = await admin_store.cancel_plan_upload(upload.id, ADA, now=SENT)

    assert (gone.outcome, gone.closed_by) == ("cancelled", ADA)
    with pytest.raises(UploadClosed) as closed:
        await admin_store.confirm_plan_upload(upload.id, ADA, note=note, now=SENT)
    assert closed.value.outcome == "cancelled"
    with pytest.raises(UploadClosed):
        await admin_store.cancel_plan_upload(upload.id, ADA, now=SENT)
    assert await admin_store.count_actions() == 29


async def test_confirm_checks_again_who_is_importing(admin_store: Store):
    upload = await admin_store.create_plan_upload(ADA, "plan.csv", EXCEL_CSV, now=SENT)
    await admin_store.set_role(ADA, "admin", False)

    with pytest.raises(PermissionDenied):
        await admin_store.confirm_plan_upload(upload.id, ADA, note=note, now=SENT)
    with pytest.raises(PermissionDenied):
        await admin_store.confirm_plan_upload(upload.id, "local:sam", note=note, now=SENT)

    await admin_store.set_role("local:bea", "admin", True, display_name="Bea")  # still pending: another admin may
    done = await admin_store.confirm_plan_upload(upload.id, "local:bea", note=note, now=SENT)
    assert done.upload.closed_by == "local:bea" and await admin_store.count_actions() == 2


async def test_confirm_imports_into_the_plan_as_it_is_then(admin_store: Store):
    """The plan changed between the summary and the Confirm: an owner's update is kept, as any import keeps it."""
    first = await admin_store.create_plan_upload(ADA, "plan.csv", EXCEL_CSV, now=SENT)
    await admin_store.confirm_plan_upload(first.id, ADA, note=note, now=SENT)
    again = await admin_store.create_plan_upload(ADA, "plan.csv", EXCEL_CSV, now=SENT)
    await admin_store.record_action_update("RS-01", ADA, progress=70, note="Ahead of plan", now=SENT)

    done = await admin_store.confirm_plan_upload(again.id, ADA, note=note, now=SENT + timedelta(hours=1))

    assert [(k.ref, k.field) for k in done.result.kept] == [("RS-01", "progress")]
    assert (await admin_store.get_action("RS-01")).progress == 70


async def test_the_options_given_with_the_file_are_kept_and_used(admin_store: Store):
    no_year = excel_csv([EXCEL_ROWS[0], EXCEL_ROWS[2].replace("31/03/2022", "")])
    options = UploadOptions(retire_missing=True, plan_year="2020/21")
    upload = await admin_store.create_plan_upload(ADA, "plan.csv", no_year, options=options, now=SENT)
    assert (upload.retire_missing, upload.overwrite, upload.plan_year) == (True, False, "2020/21")
    await admin_store.confirm_plan_upload(
        (await admin_store.create_plan_upload(ADA, "all.csv", EXCEL_CSV, now=SENT)).id, ADA, note=note, now=SENT
    )

    done = await admin_store.confirm_plan_upload(upload.id, ADA, note=note, now=SENT)

    assert done.result.retired == ("RS-01",)
    assert (await admin_store.get_action("RS-02")).plan_year == "2020/21"


async def test_what_cannot_be_kept_is_refused(admin_store: Store):
    with pytest.raises(InvalidInput) as big:
        await admin_store.create_plan_upload(ADA, "plan.csv", b"x" * (MAX_BYTES + 1), now=SENT)
    assert (big.value.field, big.value.code) == ("file", "too_big")
    with pytest.raises(InvalidInput):
        await admin_store.create_plan_upload(ADA, "\x00\u202e", EXCEL_CSV, now=SENT)
    with pytest.raises(PlanError):
        await admin_store.create_plan_upload(
            ADA, "plan.csv", EXCEL_CSV, options=UploadOptions(plan_year="2020-21"), now=SENT
        )
    with pytest.raises(NotFound):
        await admin_store.cancel_plan_upload(99, ADA, now=SENT)
