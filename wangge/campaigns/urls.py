from django.urls import path

from wangge.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_index, name="campaign_list"),
    path("new/", views.campaign_new, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/opinions/", views.opinion_index, name="opinion_list"),
    path("opinions/<int:pk>/category/", views.opinion_category, name="opinion_category"),
    path("categories/", views.category_index, name="category_list"),
]
