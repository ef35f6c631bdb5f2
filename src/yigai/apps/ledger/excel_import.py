"""Import a ledger workbook a unit filled in offline: match rows by 台账编号, diff, validate, apply.

:func:`preview` reads the file and says, per row, what would change (field, old, new), which rows are
wrong (``第12行 完成状态 列：原因``) and which conflict (the item was saved by someone else since the
export). :func:`apply` does the same reading again and, only if no row is wrong, applies every change in
one transaction through the ledger services (a progress report for 进展情况/完成进度, workflow
transitions for 完成状态), each at the version the file was exported at. Conflicting rows are left out
and reported. A cell is applied only if the unit changed it (the hidden 校验 column says what was
exported) and it differs from what is stored, so uploading the same file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from yigai.apps.accounts.models import User
from yigai.apps.ledger import adapters
from yigai.apps.ledger.excel_layout import (
    CHECK,
    CODE,
    DEADLINE,
    PERCENT,
    STATUS,
    STATUS_LABELS,
    TEXT,
    TRACKED,
    VERSION,
    cell_text,
    changed_cells,
)
from yigai.apps.ledger.excel_reading import Row, open_sheet, parse_date, parse_percent, sheet_rows
from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.selectors import access_item, item_role
from yigai.apps.ledger.services import Conflict, LedgerError, item_transition, progress_report_submit
from yigai.core.ledger import (
    TRANSITIONS,
    Action,
    Actor,
    ItemState,
    Role,
    Status,
    TransitionError,
    allowed_actions,
    transition,
)
from yigai.core.ledger.workflow import REASON_REQUIRED
from yigai.core.params import db_int

_CELL_ACTIONS = frozenset(Action) - REASON_REQUIRED - {
    Action.REQUEST_EXTENSION, Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION, Action.REPORT_PROGRESS,
}  # fmt: skip


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    row: int
    code: str
    item_id: int
    version: int
    title: str
    unit: str
    changes: tuple[FieldChange, ...]
    report: tuple[str, int | None] | None  # (text, percent) to submit as a progress report
    actions: tuple[Action, ...]  # workflow transitions after the report


@dataclass(frozen=True)
class RowConflict:
    row: int
    code: str
    title: str
    message: str
    current: dict[str, str]  # what is stored now (the other person's values)
    typed: dict[str, str]  # what the file says


@dataclass
class Preview:
    file_name: str
    rows_read: int = 0
    unchanged: int = 0
    changes: list[RowChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    conflicts: list[RowConflict] = field(default_factory=list)

    def digest(self) -> str:
        """A fingerprint of what would be applied (the confirm button checks nothing moved since)."""
        import hashlib

        text = repr([(c.code, c.version, c.changes) for c in self.changes])
        return hashlib.sha256(text.encode()).hexdigest()[:16]


#: Told the stage ("read", "check", "write"), how far it is and its total (0: unknown) — for every row:
#: the callee throttles. The web job writes it to the job page, the command line draws a bar.
Progress = Callable[[str, int, int], None]


def preview_data(p: Preview) -> dict[str, Any]:
    """The preview as JSON for a job's result (the job page renders it as the upload page did)."""
    return {
        "file_name": p.file_name, "rows_read": p.rows_read, "unchanged": p.unchanged, "digest": p.digest(),
        "changes": [asdict(c) for c in p.changes], "errors": p.errors,
        "conflicts": [asdict(c) for c in p.conflicts],
    }  # fmt: skip


class PreviewMoved(Exception):
    """What the file would change now is not what the user confirmed (someone saved in between)."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(preview.file_name)
        self.preview = preview


class ImportRejected(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def _err(row: int, column: str, reason: str, code: str = "") -> str:
    where = f"第{row}行" + (f" {column} 列" if column else "") + (f"（{code}）" if code else "")
    return f"{where}：{reason}"


def _status_path(state: ItemState, target: Status, actor: Actor, evidence: int) -> tuple[Action, ...] | str:
    """The shortest run of cell-expressible actions from ``state`` to ``target``, or why there is none."""
    now = timezone.now()
    frontier: list[tuple[ItemState, tuple[Action, ...]]] = [(state, ())]
    for _ in range(3):
        found = []
        for st, done in frontier:
            for action in allowed_actions(st, actor.role):
                if action not in _CELL_ACTIONS:
                    continue
                try:
                    after = transition(st, action, actor, evidence_count=evidence, now=now).state
                except TransitionError:
                    continue
                if after.status is target:
                    return (*done, action)
                found.append((after, (*done, action)))
        frontier = found
    for (frm, action, _role), to in TRANSITIONS.items():  # why not: the rules' own words
        if frm is state.status and to is target:
            try:
                transition(state, action, actor, evidence_count=evidence, now=now)
            except TransitionError as exc:
                hint = "，请在系统的事项页面办理" if exc.code == "reason_required" else ""
                return f"不能改为“{target.label}”：{exc}{hint}"
    return f"事项处于“{state.status.label}”状态，不能直接改为“{target.label}”"


def _current(item: LedgerItem) -> dict[str, str]:
    return {TEXT: item.progress_text, PERCENT: cell_text(item.progress),
            STATUS: item.get_status_display(), DEADLINE: item.deadline.isoformat()}  # fmt: skip


class _Checker:
    """Validates one row against the stored item; collects errors, conflicts and the change."""

    def __init__(self, user: User, preview: Preview) -> None:
        self.user, self.p = user, preview

    def row(self, r: Row, item: LedgerItem) -> None:
        v, n, code = r.values, r.n, r.code
        tracked = [cell_text(v[h]) for h in TRACKED]
        if db_int(cell_text(v[VERSION])) is None:
            self.p.errors.append(_err(n, VERSION, "版本列被修改（应为导出时的数字），请重新导出", code))
            return
        touched = changed_cells(tracked, cell_text(v[CHECK]))
        if touched is None:
            self.p.errors.append(_err(n, CHECK, "校验列被修改，无法判断改动了哪些单元格，请重新导出", code))
            return
        edited = dict(zip(TRACKED, touched, strict=True))
        if not any(edited.values()):
            self.p.unchanged += 1
            return
        try:
            item = access_item(user=self.user, item_id=item.pk)
        except Http404:
            self.p.errors.append(_err(n, "", "无权修改该事项：不属于您的单位或地区", code))
            return
        self._check(r, item, edited, tracked)

    def _check(self, r: Row, item: LedgerItem, edited: dict[str, bool], tracked: list[str]) -> None:
        n, code, errors = r.n, r.code, []
        text, pct_text, status_text, _ = tracked
        if edited[DEADLINE]:
            day = parse_date(r.values[DEADLINE])
            if day is None:
                errors.append(_err(n, DEADLINE, f"“{tracked[3]}”不是日期（应如 2026-12-31）", code))
            elif day != item.deadline:
                errors.append(
                    _err(n, DEADLINE, "完成时限不能在表格中修改，如需延期请在事项页面申请延期", code)
                )
        percent = parse_percent(pct_text) if edited[PERCENT] else item.progress
        if isinstance(percent, str):
            errors.append(_err(n, PERCENT, percent, code))
        target = STATUS_LABELS.get(status_text) if edited[STATUS] else None  # None: as the workflow leaves it
        if edited[STATUS] and target is None:
            errors.append(
                _err(
                    n, STATUS, f"“{status_text}”不是有效的完成状态（可选：{'、'.join(STATUS_LABELS)}）", code
                )
            )
        if errors:
            self.p.errors += errors
            return
        assert not isinstance(percent, str)
        new_text = text if edited[TEXT] else item.progress_text
        report = (edited[TEXT] and text != item.progress_text.strip()) or (
            edited[PERCENT] and percent is not None and percent != item.progress
        )
        if not report and (target is None or target.value == item.status):
            self.p.unchanged += 1  # already as the file says (e.g. the same file uploaded again)
            return
        if item.version != db_int(cell_text(r.values[VERSION])):
            self._conflict(r, item, tracked)
            return
        self._plan(r, item, new_text, percent if report else None, report, target)

    def _conflict(self, r: Row, item: LedgerItem, tracked: list[str]) -> None:
        message = "导出后该事项已被他人修改，本行未导入；请核对后重新导出再填写"
        self.p.conflicts.append(RowConflict(r.n, r.code, item.title, _err(r.n, "", message, r.code),
                                            _current(item), dict(zip(TRACKED, tracked, strict=True))))  # fmt: skip

    def _plan(self, r: Row, item: LedgerItem, text: str, percent: int | None, report: bool, target: Status | None) -> None:  # fmt: skip
        n, code = r.n, r.code
        try:
            actor = Actor(self.user.username, item_role(user=self.user, item=item))
        except (PermissionDenied, ValueError) as exc:
            self.p.errors.append(_err(n, STATUS if not report else TEXT, str(exc) or "无权修改该事项", code))
            return
        state, changes = adapters.item_state(item), []
        if report:
            if actor.role is not Role.UNIT_REPORTER:
                self.p.errors.append(
                    _err(n, TEXT, f"只有牵头单位的填报员可以报送进展（您是{actor.role.label}）", code)
                )
                return
            if not text.strip():
                self.p.errors.append(_err(n, TEXT, "填写完成进度时须同时填写进展情况", code))
                return
            try:
                state = transition(state, Action.REPORT_PROGRESS, actor, now=timezone.now()).state
            except TransitionError as exc:
                self.p.errors.append(_err(n, TEXT, str(exc), code))
                return
            if text.strip() != item.progress_text.strip():
                changes.append(FieldChange(TEXT, item.progress_text, text.strip()))
            if percent is not None and percent != item.progress:
                changes.append(FieldChange(PERCENT, cell_text(item.progress), str(percent)))
        actions: tuple[Action, ...] = ()
        if target is not None and target is not state.status:
            path = _status_path(state, target, actor, item.evidence.count())
            if isinstance(path, str):
                self.p.errors.append(_err(n, STATUS, path, code))
                return
            actions = path
        final = target or state.status
        if final.value != item.status:
            auto = "（随进展报送自动变更）" if target is None else ""
            changes.append(FieldChange(STATUS, item.get_status_display(), final.label + auto))
        self.p.changes.append(RowChange(
            n, code, item.pk, item.version, item.title, adapters.place_unit(item), tuple(changes),
            (text.strip(), percent) if report else None, actions,
        ))  # fmt: skip


def preview(*, user: User, file_name: str, data: bytes, progress: Progress | None = None) -> Preview:
    """What the file would change, and every row that is wrong or in conflict. Writes nothing."""
    p = Preview(file_name)
    opened = open_sheet(file_name, data)
    if isinstance(opened, str):
        p.errors.append(opened)
        return p
    claimed = min(getattr(opened[0], "declared_rows", 0) or 0, settings.INPUT_LIMITS.max_rows)
    on_row = (lambda n: progress("read", n, max(claimed, n))) if progress else None
    rows = sheet_rows(file_name, *opened, on_row=on_row)
    if isinstance(rows, str):
        p.errors.append(rows)
        return p
    p.rows_read = len(rows)
    codes = {r.code for r in rows if r.code}
    items = {i.code: i for i in LedgerItem.objects.filter(code__in=codes)}
    seen: dict[str, int] = {}
    checker = _Checker(user, p)
    for done, r in enumerate(rows, start=1):
        if progress:
            progress("check", done, len(rows))
        if not r.code:
            p.errors.append(_err(r.n, CODE, "编号为空：该行不是导出的事项，或编号被删除"))
        elif r.code in seen:
            p.errors.append(_err(r.n, CODE, f"编号与第{seen[r.code]}行重复", r.code))
        elif r.code not in items:
            p.errors.append(_err(r.n, CODE, f"编号“{r.code}”不存在（编号列被修改过？请重新导出）"))
        else:
            seen[r.code] = r.n
            checker.row(r, items[r.code])
    if not rows and not p.errors:
        p.errors.append(f"{file_name}：工作表中没有任何事项行")
    return p


def apply(
    *, user: User, file_name: str, data: bytes, digest: str | None = None, progress: Progress | None = None
) -> Preview:
    """Read and check the file again (:func:`preview`), then apply every change in one transaction; or
    raise :class:`ImportRejected` (a row is wrong, or an item moved while writing) or, when ``digest``
    (what the user confirmed) is given and no longer what would be applied, :class:`PreviewMoved` — and
    apply nothing. Each row is written at the version the preview read, so a save by someone else between
    the reading and the writing is a conflict, not an overwrite."""
    p = preview(user=user, file_name=file_name, data=data, progress=progress)
    if p.errors:
        raise ImportRejected(p.errors)
    if digest is not None and p.digest() != digest:
        raise PreviewMoved(p)
    with transaction.atomic():
        for done, change in enumerate(p.changes, start=1):
            if progress:
                progress("write", done, len(p.changes))
            try:
                _apply_row(user, change)
            except Conflict:
                raise ImportRejected(
                    [_err(change.row, "", "预览后该事项又被他人修改，请重新上传确认", change.code)]
                ) from None
            except (LedgerError, TransitionError, PermissionDenied, Http404) as exc:
                raise ImportRejected([_err(change.row, "", str(exc), change.code)]) from None
    return p


def _apply_row(user: User, change: RowChange) -> None:
    version = change.version
    if change.report is not None:
        text, percent = change.report
        progress_report_submit(
            item=change.item_id, user=user, text=text, percent=percent, expected_version=version
        )
        version = LedgerItem.objects.values_list("version", flat=True).get(pk=change.item_id)
    for action in change.actions:
        version = item_transition(
            item=change.item_id, action=action, user=user, expected_version=version
        ).version


def _short(text: str, limit: int = 60) -> str:
    text = text.replace("\n", " ")
    return f"“{text[:limit]}{'…' if len(text) > limit else ''}”" if text else "（空）"


def diff_lines(p: Preview) -> list[str]:
    """One line per changed cell and per conflict, for the command line."""
    lines = []
    for c in p.changes:
        for f in c.changes:
            lines.append(f"第{c.row}行 {c.code} {c.unit} {f.field}：{_short(f.old)} → {_short(f.new)}")
    lines += [f"冲突：{c.message}" for c in p.conflicts]
    return lines


def summary(p: Preview, *, applied: bool) -> str:
    cells = sum(len(c.changes) for c in p.changes)
    head = f"{p.file_name}：读取 {p.rows_read} 行，改动 {len(p.changes)} 行（{cells} 处），未改动 {p.unchanged} 行"
    tail = f"，冲突 {len(p.conflicts)} 行未导入" if p.conflicts else ""
    if not p.changes:
        return head + tail + "；没有需要导入的改动"
    return head + tail + ("；已导入" if applied else "；试运行，未导入")
