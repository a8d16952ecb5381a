"""The competency pages' URLs (urls): filled by their pages' author."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
