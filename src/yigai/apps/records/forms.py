from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yigai.core.indicators.periods import PeriodError, parse_period
from yigai.core.records.definitions import shipped_definitions


def _indicator_choices() -> list[tuple[str, str]]:
    d = shipped_definitions()
    return [("", gettext("全部记录级指标"))] + [
        (c, f"{d.catalogue.indicator(c).name}（{c}）") for c in d.indicators
    ]


class ComputeForm(forms.Form):
    engine = forms.ChoiceField(
        label=_("计算引擎"),
        choices=[("duckdb", _("DuckDB（单机）")), ("spark", _("Spark"))],
        initial="duckdb",
    )
    indicator = forms.ChoiceField(label=_("指标"), choices=_indicator_choices, required=False)
    period = forms.CharField(
        label=_("期间"), required=False, max_length=8, help_text=_("如 2024、2024Q1、202403；不填为全部")
    )
    store = forms.BooleanField(label=_("存入指标数据"), required=False, initial=True)
    reason = forms.CharField(
        label=_("事由"), max_length=200, help_text=_("读取记录级数据的事由，记入审计日志")
    )

    def clean_period(self) -> str:
        text = self.cleaned_data["period"].strip()
        if not text:
            return ""
        try:
            return str(parse_period(text))
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None
