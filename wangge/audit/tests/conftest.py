import pytest


@pytest.fixture(autouse=True)
def _anchor_dir(settings, tmp_path):
    """Each test anchors its chain in a folder of its own."""
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"
