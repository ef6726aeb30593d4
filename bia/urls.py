from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from bia import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.function_list, name="bia_function_list"),
    path("functions/new/", views.function_create, name="bia_function_create"),
    path("functions/<int:function_pk>/", views.function_detail, name="function_detail"),
    path("functions/<int:function_pk>/edit/", views.function_edit, name="bia_function_edit"),
    path(
        "functions/<int:function_pk>/history/",
        views.function_history,
        name="bia_function_history",
    ),
    path(
        "functions/<int:function_pk>/dependencies/",
        views.dependency_add,
        name="bia_dependency_add",
    ),
    path(
        "dependencies/<int:dependency_pk>/remove/",
        views.dependency_remove,
        name="bia_dependency_remove",
    ),
    path("scales/", views.scales, name="bia_scales"),
    path("scales/defaults/", views.scales_defaults, name="bia_scales_defaults"),
    path("scales/settings/", views.settings_edit, name="bia_settings_edit"),
    path("scales/categories/new/", views.category_add, name="bia_category_add"),
    path("scales/categories/<int:category_pk>/", views.category_edit, name="bia_category_edit"),
    path("questionnaires/", views.template_list, name="bia_template_list"),
    path("questionnaires/new/", views.template_create, name="bia_template_create"),
    path("questionnaires/<int:template_pk>/", views.template_detail, name="bia_template_detail"),
    path(
        "questionnaires/<int:template_pk>/questions/new/",
        views.question_add,
        name="bia_question_add",
    ),
    path(
        "questionnaires/<int:template_pk>/questions/<slug:key>/",
        views.question_edit,
        name="bia_question_edit",
    ),
    path(
        "questionnaires/<int:template_pk>/questions/<slug:key>/remove/",
        views.question_remove,
        name="bia_question_remove",
    ),
    path(
        "questionnaires/<int:template_pk>/sections/new/",
        views.section_add,
        name="bia_section_add",
    ),
    path("campaigns/", views.campaign_list, name="bia_campaign_list"),
    path("campaigns/new/", views.campaign_create, name="bia_campaign_create"),
    path("campaigns/<int:campaign_pk>/", views.campaign_detail, name="bia_campaign_detail"),
    path("campaigns/<int:campaign_pk>/remind/", views.campaign_remind, name="bia_campaign_remind"),
    path(
        "campaigns/<int:campaign_pk>/export.<str:fmt>",
        views.campaign_export,
        name="bia_campaign_export",
    ),
    path("export.<str:fmt>", views.plan_export, name="bia_plan_export"),
    path("mine/", views.my_bias, name="bia_my"),
    path("assessments/<int:assessment_pk>/", views.assessment_detail, name="bia_assessment"),
    path("assessments/<int:assessment_pk>/answer/", views.answer_save, name="bia_answer_save"),
    path(
        "assessments/<int:assessment_pk>/derived/",
        views.assessment_derived,
        name="bia_assessment_derived",
    ),
    path(
        "assessments/<int:assessment_pk>/submit/",
        views.assessment_submit,
        name="bia_assessment_submit",
    ),
    path(
        "assessments/<int:assessment_pk>/review/",
        views.assessment_review,
        name="bia_assessment_review",
    ),
    path(
        "assessments/<int:assessment_pk>/revise/",
        views.assessment_revise,
        name="bia_assessment_revise",
    ),
    path("interviews/", views.interview_list, name="bia_interview_list"),
    path("interviews/new/", views.interview_create, name="bia_interview_create"),
    path("interviews/<int:interview_pk>/", views.interview_edit, name="bia_interview_edit"),
    path("workshops/", views.workshop_list, name="bia_workshop_list"),
    path("workshops/new/", views.workshop_create, name="bia_workshop_create"),
    path("workshops/<int:workshop_pk>/", views.workshop_detail, name="bia_workshop"),
    path("workshops/<int:workshop_pk>/field/", views.workshop_field, name="bia_workshop_field"),
    path("workshops/<int:workshop_pk>/actions/", views.action_add, name="bia_action_add"),
    path("actions/<int:action_pk>/done/", views.action_done, name="bia_action_done"),
]
