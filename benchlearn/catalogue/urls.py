from django.urls import path

import benchlearn.catalogue.views as views
import benchlearn.catalogue.views.rules as rule_views

urlpatterns = [
    path("", views.catalogue_index, name="catalogue-index"),
    path("export/", views.catalogue_export_view, name="catalogue-export"),
    path("import/", views.catalogue_import_view, name="catalogue-import"),
    path("publish/", views.catalogue_publish_view, name="catalogue-publish"),
    path("formula-check/", views.formula_check_view, name="formula-check"),
    path("indicators/new/", views.indicator_create_view, name="indicator-create"),
    path("indicators/<str:indicator_code>/", views.indicator_detail, name="indicator-detail"),
    path("indicators/<str:indicator_code>/edit/", views.indicator_edit, name="indicator-edit"),
    path("variables/new/", views.variable_create_view, name="variable-create"),
    path("variables/<str:variable_code>/", views.variable_detail, name="variable-detail"),
    path("variables/<str:variable_code>/edit/", views.variable_edit, name="variable-edit"),
    path("sets/new/", views.indicator_set_create_view, name="indicator-set-create"),
    path("sets/<str:set_code>/", views.set_detail, name="indicator-set-detail"),
    path("sets/<str:set_code>/edit/", views.indicator_set_edit, name="indicator-set-edit"),
    path("sets/<str:set_code>/members/", views.indicator_set_members, name="indicator-set-members"),
    path("rules/", rule_views.rule_list, name="rule-list"),
    path("rules/new/", rule_views.rule_create_view, name="rule-create"),
    path("rules/check/", rule_views.rule_check_view, name="rule-check"),
    path("rules/<str:rule_code>/edit/", rule_views.rule_edit, name="rule-edit"),
    path("rules/<str:rule_code>/delete/", rule_views.rule_delete_view, name="rule-delete"),
    path("domains/new/", views.domain_create_view, name="domain-create"),
    path("domains/<str:domain_code>/", views.domain_detail, name="domain-detail"),
    path("domains/<str:domain_code>/edit/", views.domain_edit, name="domain-edit"),
]
