"""Forms: parse and validate input for the plan views (no business rules here)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yigai.apps.plans.models import Plan, Section, Task


def split_units(text: str) -> list[str]:
    """ "市卫生健康委、市医保局\\n市财政局" → three names (separators: 、，, ; newline)."""
    return [p.strip() for p in re.split(r"[、，,;；\n]+", text or "") if p.strip()]


class ImportForm(forms.Form):
    # empty files reach the import service, which rejects them with the same message as CLI and API
    file = forms.FileField(label=_("政策文件"), allow_empty_file=True)


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
