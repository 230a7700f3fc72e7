"""The `gonghui` command as an operator runs it."""

import gzip
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from gonghui.accounts.models import User
from gonghui.regions.models import Region


def test_gonghui_runs_django_commands():
    result = subprocess.run(
        [sys.executable, "-m", "gonghui.cli", "check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_createsuperuser_makes_a_platform_administrator(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Gonghui-2026-admin")
    call_command("createsuperuser", interactive=False, username="ops", email="ops@example.cn")
    ops = User.objects.get(username="ops")
    assert ops.is_platform_admin and ops.union is None and ops.is_superuser


@pytest.mark.django_db
def test_regions_load_refreshes_from_a_file(tmp_path, capsys):
    path = tmp_path / "regions.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("code,name,level,parent,valid_from,valid_to\n")
        f.write("510000,四川省,province,,1980,\n")
        f.write("510104,锦江区（新名）,county,510000,1980,\n")
        f.write("519999,试验县,county,510000,1990,2001\n")
    call_command("regions", "load", str(path))
    assert "1 added, 2 refreshed" in capsys.readouterr().out
    assert Region.objects.get(code="510104").full_name == "四川省 锦江区（新名）"
    retired = Region.objects.get(code="519999")
    assert (retired.valid_to, retired.is_current) == (2001, False)


@pytest.mark.django_db
def test_regions_load_names_a_bad_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("regions", "load", str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("编码,名称\n510104,锦江区\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a division table"):
        call_command("regions", "load", str(bad))
