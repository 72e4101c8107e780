from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "aspirasi.channels"
    label = "channel_register"
    verbose_name = "Sarana (langkah 1)"
