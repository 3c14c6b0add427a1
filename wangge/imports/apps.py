from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ImportsConfig(AppConfig):
    """Spreadsheet import and export of the registries; the kinds come from the domain apps."""

    name = "wangge.imports"
    label = "imports"

    def ready(self):
        # Each app's importing.py registers its kind (as admin.py files fill the admin).
        autodiscover_modules("importing")
        # Export-only lists (flags, plans, the attention list) come from exporting.py files.
        autodiscover_modules("exporting")
