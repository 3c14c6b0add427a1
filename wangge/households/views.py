from django.shortcuts import render


def household_list(request):
    return render(request, "households/household_list.html", {})
