from django.db.models import Count

from wangge.accounts.scope import prefix_q
from wangge.core.stats import stat_provider
from wangge.notices.models import Feedback, FeedbackState, Notice


@stat_provider
def notice_stats(area_code, today) -> dict:
    """Notices sent and feedback per state (no read figures per person: principle 4)."""
    notices = Notice.objects.all()
    feedback = Feedback.objects.all()
    if area_code:
        notices = notices.filter(prefix_q("area_code", area_code))
        feedback = feedback.filter(prefix_q("area_code", area_code))
    counts = dict(feedback.values_list("state").annotate(n=Count("id")).order_by())
    return {
        "notices": notices.count(),
        "feedback_by_state": {state: counts.get(state, 0) for state in FeedbackState.values},
    }
