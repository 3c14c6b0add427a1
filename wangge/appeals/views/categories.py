"""The township's categories and time limits; the township office edits them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.accounts.scope import townships_of
from wangge.appeals.categories import HELP
from wangge.appeals.forms import CategoryForm, error_text, form_message
from wangge.appeals.models import Category
from wangge.appeals.selectors import categories_of
from wangge.appeals.services import can_set_categories, category_save, require_category_write


def category_index(request):
    townships = townships_of(request.user)
    if not townships:
        raise Http404
    form = CategoryForm(request.POST) if request.method == "POST" else None
    posted = ""
    if form is not None:
        form.is_valid()  # what else is wrong, _save says; a township that is not one is a 404
        posted = form.cleaned_data.get("township", "?")
    raw = request.GET.get("township") or posted or townships[0]
    township = raw if raw in townships else None
    if township is None:
        raise Http404
    categories = Category.objects.filter(township_id=township).order_by("sort", "slug")
    categories_of(township)  # a township's first visit makes its default categories
    can_edit = can_set_categories(request.user, township)
    if form is not None:
        require_category_write(request.user, township)
        _save(request, form, township, categories)
        return redirect(f"{reverse('appeals:categories')}?township={township}")
    return render(
        request,
        "appeals/categories.html",
        {"categories": categories, "can_edit": can_edit, "township": township, "help": HELP},
    )


def _save(request, form: CategoryForm, township: str, categories) -> None:
    if not form.is_valid():
        messages.error(request, form_message(form))
        return
    data = form.cleaned_data
    category = categories.filter(pk=data["pk"]).first() if data["pk"] else None
    if data["pk"] and category is None:
        raise Http404
    try:
        category_save(
            actor=request.user,
            township_code=township,
            category=category,
            name=data["name"],
            accept_hours=data["accept_hours"],
            resolve_working_days=data["resolve_working_days"],
            urgent=data["urgent"],
            active=data["active"],
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Category saved."))
