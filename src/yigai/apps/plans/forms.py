"""Forms: parse and validate input for the plan views (no business rules here)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.models import COMPARATOR_LABELS, Plan, Section, Target, Task
from yigai.core.plan import RATIO_UNIT, ratio_text


def split_units(text: str) -> list[str]:
    """ "市卫生健康委、市医保局\\n市财政局" → three names (separators: 、，, ; newline)."""
    return [p.strip() for p in re.split(r"[、，,;；\n]+", text or "") if p.strip()]


class RegionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        indent = {"city": "\u3000", "county": "\u3000\u3000"}.get(obj.level, "")
        return f"{indent}{obj.name}"


def _regions(places: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    return places.exclude(level="facility").order_by("path")


class ImportForm(forms.Form):
    # empty files reach the import service, which rejects them with the same message as CLI and API
    file = forms.FileField(label=_("政策文件"), allow_empty_file=True)
    region = RegionChoice(
        label=_("方案所属行政区划"), queryset=OrgUnit.objects.none(), required=False,
        empty_label=_("按发文机关自动识别"),
    )  # fmt: skip

    def __init__(self, *args: Any, places: QuerySet[OrgUnit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if places is not None:
            self.fields["region"].queryset = _regions(places)  # type: ignore[attr-defined]


class RegionForm(forms.Form):
    org_unit = RegionChoice(label=_("行政区划"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, places: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = _regions(places)  # type: ignore[attr-defined]


_RATIO = re.compile(r"^\s*1\s*[:：]\s*(?P<n>\d+(?:\.\d+)?)\s*$")


def parse_value(text: str) -> tuple[float | None, bool]:
    """ "1:1.3" → (1.3, True); "85" → (85.0, False); "" → (None, False); raises ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None, False
    m = _RATIO.match(text)
    if m:
        return float(m["n"]), True
    return float(text.replace("，", "").replace(",", "")), False


class TargetForm(forms.Form):
    indicator = forms.CharField(label=_("指标"), max_length=300)
    comparator = forms.ChoiceField(label=_("比较"), choices=())
    value = forms.CharField(label=_("目标值"), required=False, help_text=_("比值按“1:1.6”填写"))
    value_max = forms.CharField(label=_("上限"), required=False)
    unit = forms.CharField(label=_("单位"), max_length=32, required=False)
    year = forms.IntegerField(label=_("年份"), required=False, min_value=1949, max_value=2100)
    scope = forms.CharField(label=_("范围"), max_length=100, required=False)
    quote = forms.CharField(label=_("原文"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    task = forms.ModelChoiceField(label=_("所属任务"), queryset=Task.objects.none(), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comparator"].choices = [(k, str(v)) for k, v in COMPARATOR_LABELS.items()]  # type: ignore[attr-defined]
        self.fields["task"].queryset = Task.objects.filter(plan=plan)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ratio = False
        for name in ("value", "value_max"):
            try:
                data[name], is_ratio = parse_value(data.get(name) or "")
            except ValueError:
                self.add_error(name, _("请填写数字，比值按“1:1.6”填写"))
                continue
            ratio = ratio or is_ratio
        if ratio:
            data["unit"] = RATIO_UNIT
        return data

    @staticmethod
    def initial_for(target: Target) -> dict[str, Any]:
        def show(v: float | None) -> str:
            if v is None:
                return ""
            return ratio_text(v) if target.is_ratio else f"{v:g}"

        return {
            "indicator": target.indicator, "comparator": target.comparator, "value": show(target.value),
            "value_max": show(target.value_max), "unit": target.unit, "year": target.year,
            "scope": target.scope, "quote": target.quote, "task": target.task_id,
        }  # fmt: skip


class TaskForm(forms.ModelForm):  # type: ignore[type-arg]  # ModelForm[Task] fails at runtime
    lead_units = forms.CharField(label=_("牵头单位"), required=False, help_text=_("多个单位用顿号或换行分隔"))
    co_units = forms.CharField(label=_("配合单位"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    section = forms.ModelChoiceField(label=_("所属章节"), queryset=Section.objects.none(), required=False)

    class Meta:
        model = Task
        fields = ("number", "title", "text", "deadline", "deadline_text", "section")
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # ModelForm signature
        task: Task = self.instance
        self.fields["section"].queryset = Section.objects.filter(plan_id=task.plan_id)  # type: ignore[attr-defined]
        if not self.is_bound:
            for role in ("lead", "co"):
                names = [u.unit.name for u in task.unit_links.filter(role=role).select_related("unit")]
                self.initial[f"{role}_units"] = "、".join(names)


class SplitForm(forms.Form):
    parts = forms.CharField(
        label=_("拆分后的内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("每段一项任务，段落之间空一行"),
    )

    def texts(self) -> list[str]:
        return [p.strip() for p in re.split(r"\n\s*\n", self.cleaned_data["parts"]) if p.strip()]


class LinkForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("落实的上级方案"), queryset=Plan.objects.none(), required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = candidates  # type: ignore[attr-defined]  # a ModelChoiceField
