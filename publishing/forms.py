"""The public list's filters: a year and a part of a department's name."""

from django import forms

from reports.models import MAX_YEAR, MIN_YEAR

SEARCH_MAX_CHARS = 50


class PublicFilterForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={"invalid": "年度请填写四位数字，如 2022。"},
    )
    q = forms.CharField(
        label="部门名称",
        required=False,
        max_length=SEARCH_MAX_CHARS,
        error_messages={"max_length": f"部门名称最多 {SEARCH_MAX_CHARS} 个字，请缩短后再查询。"},
    )

    def filters(self) -> tuple[int | None, str]:
        """The valid filters (year, name); an invalid one is left out, its error shown."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("year"), (data.get("q") or "").strip()
