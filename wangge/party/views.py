from django.shortcuts import render


def member_list(request):
    return render(request, "party/member_list.html", {})
