"""A concentrated assistance drive (集中帮扶) over the flagged families: every household with an
open risk flag or assistance plan goes to its paired member; most are done, with a note."""

import datetime
import random

from django.utils import timezone

from wangge.accounts.models import User
from wangge.campaigns.drive import drive_create
from wangge.campaigns.models import DriveTask
from wangge.demo import vocabulary as V
from wangge.regions.models import Region

NAME = "2021年集中帮扶"
NOTES = ["送去米油，了解近况", "帮助申请临时救助", "联系医保报销事宜", "协调就近务工岗位"]


def drive_demo_load(*, seed: int) -> dict:
    rng = random.Random(f"{seed}:drive")
    admin = User.objects.get(username="township-admin")
    starts = datetime.date(2021, 6, 1)
    drive = drive_create(
        actor=admin,
        name=NAME,
        area=Region.objects.get(code=V.TOWNSHIP[0]),
        starts_on=starts,
        ends_on=datetime.date(2021, 6, 30),
    )
    tasks = list(DriveTask.objects.filter(campaign=drive, member__isnull=False).order_by("pk"))
    done = rng.sample(tasks, round(len(tasks) * 0.8))
    for task in done:
        day = starts + datetime.timedelta(days=rng.randrange(30))
        task.done_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))
        task.done_note = rng.choice(NOTES)
    DriveTask.objects.bulk_update(done, ["done_at", "done_note"], batch_size=1000)
    return {
        "tasks": DriveTask.objects.filter(campaign=drive).count(),
        "done": len(done),
    }
