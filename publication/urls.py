from django.urls import path

from . import views

app_name = "publication"
urlpatterns = [
    path("", views.publication_list, name="list"),
    path("<slug:kind>/<int:pk>/", views.manage, name="manage"),
]
