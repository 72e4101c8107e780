from django import forms

from aspirasi.web.forms import PersonField

from .models import ChannelKeeper


class ChannelKeeperForm(forms.ModelForm):
    keeper = PersonField(required=False)

    class Meta:
        model = ChannelKeeper
        fields = ["in_use", "keeper", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keeper"].label = ChannelKeeper._meta.get_field("keeper").verbose_name
        self.fields["keeper"].empty_label = "—"
