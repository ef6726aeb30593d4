"""BIA pages under /plans/<plan_pk>/bia/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from bia.views import (
    answers,
    assessments,
    campaigns,
    functions,
    interviews,
    questionnaires,
    scales,
    workshops,
)

# Each record's pages sit under its own prefix, declared once: function_pages serves
# functions/<function_pk>/..., and so on.
function_pages = [
    path("", functions.function_detail, name="function_detail"),
    path("edit/", functions.function_edit, name="bia_function_edit"),
    path("history/", functions.function_history, name="bia_function_history"),
    path("dependencies/", functions.dependency_add, name="bia_dependency_add"),
]
scale_pages = [
    path("", scales.scales, name="bia_scales"),
    path("defaults/", scales.scales_defaults, name="bia_scales_defaults"),
    path("settings/", scales.settings_edit, name="bia_settings_edit"),
    path("categories/new/", scales.category_add, name="bia_category_add"),
    path("categories/<int:category_pk>/", scales.category_edit, name="bia_category_edit"),
]
question_pages = [
    path("", questionnaires.question_edit, name="bia_question_edit"),
    path("remove/", questionnaires.question_remove, name="bia_question_remove"),
]
template_pages: list[URLPattern | URLResolver] = [
    path("", questionnaires.template_detail, name="bia_template_detail"),
    path("questions/new/", questionnaires.question_add, name="bia_question_add"),
    path("questions/<slug:key>/", include(question_pages)),
    path("sections/new/", questionnaires.section_add, name="bia_section_add"),
]
campaign_pages = [
    path("", campaigns.campaign_detail, name="bia_campaign_detail"),
    path("remind/", campaigns.campaign_remind, name="bia_campaign_remind"),
    path("export.<str:fmt>", campaigns.campaign_export, name="bia_campaign_export"),
]
assessment_pages = [
    path("", assessments.assessment_detail, name="bia_assessment"),
    path("answer/", answers.answer_save, name="bia_answer_save"),
    path("derived/", assessments.assessment_derived, name="bia_assessment_derived"),
    path("submit/", assessments.assessment_submit, name="bia_assessment_submit"),
    path("review/", assessments.assessment_review, name="bia_assessment_review"),
    path("revise/", assessments.assessment_revise, name="bia_assessment_revise"),
]
workshop_pages = [
    path("", workshops.workshop_detail, name="bia_workshop"),
    path("field/", workshops.workshop_field, name="bia_workshop_field"),
    path("actions/", workshops.action_add, name="bia_action_add"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", functions.function_list, name="bia_function_list"),
    path("functions/new/", functions.function_create, name="bia_function_create"),
    path("functions/<int:function_pk>/", include(function_pages)),
    path(
        "dependencies/<int:dependency_pk>/remove/",
        functions.dependency_remove,
        name="bia_dependency_remove",
    ),
    path("scales/", include(scale_pages)),
    path("questionnaires/", questionnaires.template_list, name="bia_template_list"),
    path("questionnaires/new/", questionnaires.template_create, name="bia_template_create"),
    path("questionnaires/<int:template_pk>/", include(template_pages)),
    path("campaigns/", campaigns.campaign_list, name="bia_campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="bia_campaign_create"),
    path("campaigns/<int:campaign_pk>/", include(campaign_pages)),
    path("export.<str:fmt>", campaigns.plan_export, name="bia_plan_export"),
    path("mine/", assessments.my_bias, name="bia_my"),
    path("assessments/<int:assessment_pk>/", include(assessment_pages)),
    path("interviews/", interviews.interview_list, name="bia_interview_list"),
    path("interviews/new/", interviews.interview_create, name="bia_interview_create"),
    path("interviews/<int:interview_pk>/", interviews.interview_edit, name="bia_interview_edit"),
    path("workshops/", workshops.workshop_list, name="bia_workshop_list"),
    path("workshops/new/", workshops.workshop_create, name="bia_workshop_create"),
    path("workshops/<int:workshop_pk>/", include(workshop_pages)),
    path("actions/<int:action_pk>/done/", workshops.action_done, name="bia_action_done"),
]
