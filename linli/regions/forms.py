"""Page forms. They only parse input; validation rules live in validation.py and the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.dates import DateInput

from .models import Relation, SensitiveTag, Tag


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False,
                                help_text=_("修改时留空表示不变"))
    phone = forms.CharField(label=_("手机号"), max_length=11, required=False, help_text=_("修改时留空表示不变"))
    relation = forms.ChoiceField(label=_("与户主关系"), choices=[("", "—"), *Relation.choices], required=False)
    moved_in = forms.DateField(label=_("迁入日期"), required=False, widget=DateInput())
    moved_out = forms.DateField(label=_("迁出日期"), required=False, widget=DateInput())
    tags = forms.MultipleChoiceField(label=_("标签"), choices=Tag.choices, required=False, widget=forms.CheckboxSelectMultiple)
    sensitive_tags = forms.MultipleChoiceField(label=_("敏感标签(加密保存)"), choices=SensitiveTag.choices, required=False,
                                               widget=forms.CheckboxSelectMultiple)

    def changes(self, *, creating: bool, show_sensitive: bool) -> dict:
        data = dict(self.cleaned_data)
        if not creating:
            for key in ("id_number", "phone"):
                if not data.get(key):
                    data.pop(key, None)
            if not data.get("moved_out"):
                data.pop("moved_out", None)
        if not show_sensitive:
            data.pop("sensitive_tags", None)
        return data
