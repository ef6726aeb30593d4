from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

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

urlpatterns: list[URLPattern | URLResolver] = [
    path("", functions.function_list, name="bia_function_list"),
    path("functions/new/", functions.function_create, name="bia_function_create"),
    path("functions/<int:function_pk>/", functions.function_detail, name="function_detail"),
    path("functions/<int:function_pk>/edit/", functions.function_edit, name="bia_function_edit"),
    path(
        "functions/<int:function_pk>/history/",
        functions.function_history,
        name="bia_function_history",
    ),
    path(
        "functions/<int:function_pk>/dependencies/",
        functions.dependency_add,
        name="bia_dependency_add",
    ),
    path(
        "dependencies/<int:dependency_pk>/remove/",
        functions.dependency_remove,
        name="bia_dependency_remove",
    ),
    path("scales/", scales.scales, name="bia_scales"),
    path("scales/defaults/", scales.scales_defaults, name="bia_scales_defaults"),
    path("scales/settings/", scales.settings_edit, name="bia_settings_edit"),
    path("scales/categories/new/", scales.category_add, name="bia_category_add"),
    path("scales/categories/<int:category_pk>/", scales.category_edit, name="bia_category_edit"),
    path("questionnaires/", questionnaires.template_list, name="bia_template_list"),
    path("questionnaires/new/", questionnaires.template_create, name="bia_template_create"),
    path(
        "questionnaires/<int:template_pk>/",
        questionnaires.template_detail,
        name="bia_template_detail",
    ),
    path(
        "questionnaires/<int:template_pk>/questions/new/",
        questionnaires.question_add,
        name="bia_question_add",
    ),
    path(
        "questionnaires/<int:template_pk>/questions/<slug:key>/",
        questionnaires.question_edit,
        name="bia_question_edit",
    ),
    path(
        "questionnaires/<int:template_pk>/questions/<slug:key>/remove/",
        questionnaires.question_remove,
        name="bia_question_remove",
    ),
    path(
        "questionnaires/<int:template_pk>/sections/new/",
        questionnaires.section_add,
        name="bia_section_add",
    ),
    path("campaigns/", campaigns.campaign_list, name="bia_campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="bia_campaign_create"),
    path("campaigns/<int:campaign_pk>/", campaigns.campaign_detail, name="bia_campaign_detail"),
    path(
        "campaigns/<int:campaign_pk>/remind/", campaigns.campaign_remind, name="bia_campaign_remind"
    ),
    path(
        "campaigns/<int:campaign_pk>/export.<str:fmt>",
        campaigns.campaign_export,
        name="bia_campaign_export",
    ),
    path("export.<str:fmt>", campaigns.plan_export, name="bia_plan_export"),
    path("mine/", assessments.my_bias, name="bia_my"),
    path("assessments/<int:assessment_pk>/", assessments.assessment_detail, name="bia_assessment"),
    path("assessments/<int:assessment_pk>/answer/", answers.answer_save, name="bia_answer_save"),
    path(
        "assessments/<int:assessment_pk>/derived/",
        assessments.assessment_derived,
        name="bia_assessment_derived",
    ),
    path(
        "assessments/<int:assessment_pk>/submit/",
        assessments.assessment_submit,
        name="bia_assessment_submit",
    ),
    path(
        "assessments/<int:assessment_pk>/review/",
        assessments.assessment_review,
        name="bia_assessment_review",
    ),
    path(
        "assessments/<int:assessment_pk>/revise/",
        assessments.assessment_revise,
        name="bia_assessment_revise",
    ),
    path("interviews/", interviews.interview_list, name="bia_interview_list"),
    path("interviews/new/", interviews.interview_create, name="bia_interview_create"),
    path("interviews/<int:interview_pk>/", interviews.interview_edit, name="bia_interview_edit"),
    path("workshops/", workshops.workshop_list, name="bia_workshop_list"),
    path("workshops/new/", workshops.workshop_create, name="bia_workshop_create"),
    path("workshops/<int:workshop_pk>/", workshops.workshop_detail, name="bia_workshop"),
    path("workshops/<int:workshop_pk>/field/", workshops.workshop_field, name="bia_workshop_field"),
    path("workshops/<int:workshop_pk>/actions/", workshops.action_add, name="bia_action_add"),
    path("actions/<int:action_pk>/done/", workshops.action_done, name="bia_action_done"),
]
