"""The competency pages' URLs (urls_office): filled by their pages' author."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
