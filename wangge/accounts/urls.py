from django.contrib.auth import views as auth_views
from django.urls import path

from wangge.accounts import manage_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("large-text/", views.toggle_large_text, name="large_text"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("tokens/", views.token_index, name="token_index"),
    path("tokens/<int:pk>/revoke/", views.token_remove, name="token_remove"),
    path("users/", manage_views.user_index, name="user_index"),
    path(
        "users/<int:pk>/tokens/revoke/", manage_views.user_tokens_revoke, name="user_tokens_revoke"
    ),
    path("users/<int:pk>/active/", manage_views.user_active, name="user_active"),
    path("roles/", manage_views.role_index, name="role_index"),
    path("roles/activation/", manage_views.activation_issue, name="activation_issue"),
    path("roles/<int:pk>/remove/", manage_views.role_remove, name="role_remove"),
]

# The audit log keeps its own address and namespace (/audit/, "audit:"); its page lives here,
# above the audit app, because it is scoped by the reader's roles.
audit_urlpatterns = ([path("", manage_views.event_index, name="event_index")], "audit")
