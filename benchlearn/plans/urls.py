"""The URLs of improvement plans."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
