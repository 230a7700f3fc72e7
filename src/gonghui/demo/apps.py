from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "gonghui.demo"
    verbose_name = "Demo"
