"""`gonghui demo`: migrate, build the demo province once, print its logins, serve it."""

import time
from collections import Counter

from django.core.management import call_command
from django.core.management.base import BaseCommand

from gonghui.demo import assistance as demo_assistance
from gonghui.demo import builder
from gonghui.demo import cases as demo_cases
from gonghui.demo import members as demo_members
from gonghui.regions import loader
from gonghui.regions.models import Region


class Command(BaseCommand):
    help = "Build the demo province (四川) with its logins, then serve it on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Build and stop.")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on.")
        parser.add_argument(
            "--members", type=int, default=demo_members.MEMBERS, help="How many members to make."
        )

    def handle(self, *args, no_serve=False, port=8000, members=demo_members.MEMBERS, **options):
        call_command("migrate", verbosity=0, interactive=False)
        if not Region.objects.exists():
            self.stdout.write("载入行政区划 Loading administrative divisions ...")
            loader.load()
        if builder.is_built():
            self.stdout.write("演示数据已存在，保持不变。The demo is already built; left as it is.")
        else:
            self.stdout.write("生成演示数据 Building the demo province 四川 ...")
            started = time.monotonic()
            plan = builder.build()
            self.report(plan, time.monotonic() - started)
            started = time.monotonic()
            persons, pending, transfers = demo_members.build_members(total=members)
            self.stdout.write(
                f"  {persons} 名会员 members, {pending} 份待审入会申请 pending applications, "
                f"{transfers} 笔接转 transfers in flight, in {time.monotonic() - started:.1f} s"
            )
            started = time.monotonic()
            made = demo_assistance.build_assistance()
            self.report_assistance(made, time.monotonic() - started)
            started = time.monotonic()
            made = demo_cases.build_cases()
            statuses = ", ".join(f"{s} {n}" for s, n in sorted(made["statuses"].items()))
            self.stdout.write(
                f"  {made['cases']} 件维权案件 cases ({statuses}) "
                f"in {time.monotonic() - started:.1f} s"
            )
        builder.ensure_two_factor()
        self.stdout.write(f"\n演示账号 Demo logins (密码 password: {builder.PASSWORD})")
        rows = [("username", "role", "union"), *builder.logins()]
        for username, role, union in rows:
            self.stdout.write(f"  {username:<8}  {role:<16}  {union or '（全部 all）'}")
        self.stdout.write(
            "两步验证 Two-factor login: after the password, enter the code that "
            "`gonghui totp <username>` prints (e.g. `gonghui totp xian`)."
        )
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write(f"\n打开 Open {url}")
        if not no_serve:
            call_command("serve", host="127.0.0.1", port=port)

    def report(self, plan, seconds):
        kinds = Counter(u.kind for u in plan.unions)
        covered = sum(1 for e in plan.employers if e.covering_union is not None)
        self.stdout.write(
            f"  {len(plan.unions)} 个工会 unions ("
            + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
            + f"), {len(plan.employers)} 家用人单位 employers "
            f"(建会率 covered {covered / len(plan.employers):.1%}) in {seconds:.1f} s"
        )

    def report_assistance(self, made, seconds):
        statuses = ", ".join(f"{status} {n}" for status, n in sorted(made["statuses"].items()))
        self.stdout.write(
            f"  {made['files']} 份困难职工档案 hardship files ({statuses}), "
            f"{made['household_members']} 名家庭成员 household members, "
            f"{made['visits']} 次走访 visits; {made['campaigns']} 个四季送活动及下拨 campaigns "
            f"and allocations, {made['records']} 条帮扶记录 assistance records "
            f"({made['cancelled']} 条作废 cancelled, {made['amount']:,} 元 yuan), "
            f"in {seconds:.1f} s"
        )
