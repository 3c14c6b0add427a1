from django.contrib.auth import views as auth_views
from django.urls import path

from wangge.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("large-text/", views.toggle_large_text, name="large_text"),
    path("2fa/", views.two_factor, name="two_factor"),
]
