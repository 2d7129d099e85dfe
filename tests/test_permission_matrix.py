"""Every URL pattern × every persona has an expected answer; a URL missing from the matrix
fails the suite. Statuses: 200 page, 302 redirect (to login for anonymous), 403 may see but
not act, 404 may not know it exists, 405 wrong method."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = ["anonymous", "outsider", "member", "group_cochair", "council_cochair", "secretariat"]
READERS = {
    "anonymous": 302,
    "outsider": 403,
    "member": 200,
    "group_cochair": 200,
    "council_cochair": 200,
    "secretariat": 200,
}
EVERYONE_SIGNED_IN = {"anonymous": 302, **dict.fromkeys(PERSONAS[1:], 200)}
POST_ONLY = {"anonymous": 302, **dict.fromkeys(PERSONAS[1:], 405)}
SECRETARIAT_ONLY = {**dict.fromkeys(PERSONAS, 403), "anonymous": 302, "secretariat": 200}
# Pages of an object every reader may know about, that only the secretariat manages.
SECRETARIAT_MANAGES = {**SECRETARIAT_ONLY, "outsider": 404}


def everyone(status):
    return dict.fromkeys(PERSONAS, status)


# One API record: what its page shows, and 404 (not 302 or 403) to everyone else.
API_READERS = {**everyone(200), "anonymous": 404, "outsider": 404}


# URL name -> (method, function(world) -> URL, expected status per persona)
MATRIX = {
    "healthz": ("get", lambda w: reverse("healthz"), everyone(200)),
    "set_language": ("get", lambda w: reverse("set_language"), everyone(405)),
    "login": (
        "get",
        lambda w: reverse("login"),
        {"anonymous": 200, **dict.fromkeys(PERSONAS[1:], 302)},
    ),
    "logout": (
        "get",
        lambda w: reverse("logout"),
        {"anonymous": 302, **dict.fromkeys(PERSONAS[1:], 405)},
    ),
    "password_change": ("get", lambda w: reverse("password_change"), EVERYONE_SIGNED_IN),
    "password_change_done": ("get", lambda w: reverse("password_change_done"), EVERYONE_SIGNED_IN),
    "portal:home": ("get", lambda w: reverse("portal:home"), EVERYONE_SIGNED_IN),
    # Sign-in (signin/): the provider's return addresses answer everyone (a bare callback is
    # refused, 400); the second step needs a password just typed, so a signed-in person is
    # sent home and anyone else to the sign-in page; a person's sign-in is the secretariat's.
    "oidc_callback": ("get", lambda w: reverse("oidc_callback"), everyone(400)),
    "oidc_signed_out": ("get", lambda w: reverse("oidc_signed_out"), everyone(302)),
    "signin:sso_start": (
        "get",
        lambda w: reverse("signin:sso_start", args=["not-configured"]),
        {"anonymous": 404, **dict.fromkeys(PERSONAS[1:], 302)},
    ),
    "signin:second_factor": ("get", lambda w: reverse("signin:second_factor"), everyone(302)),
    "signin:security": ("get", lambda w: reverse("signin:security"), EVERYONE_SIGNED_IN),
    "signin:totp_enrol": ("get", lambda w: reverse("signin:totp_enrol"), EVERYONE_SIGNED_IN),
    "signin:recovery_codes_renew": (
        "get",
        lambda w: reverse("signin:recovery_codes_renew"),
        POST_ONLY,
    ),
    "signin:two_factor_turn_off": (
        "get",
        lambda w: reverse("signin:two_factor_turn_off"),
        POST_ONLY,
    ),
    "signin:people_signin": ("get", lambda w: reverse("signin:people_signin"), SECRETARIAT_ONLY),
    "signin:person_signin": (
        "get",
        lambda w: reverse("signin:person_signin", args=[w["signin_person"].pk]),
        SECRETARIAT_ONLY,
    ),
    "signin:sso_link_remove": (
        "get",
        lambda w: reverse("signin:sso_link_remove", args=[w["signin_person"].pk, w["sso_link"].pk]),
        POST_ONLY,
    ),
    "signin:second_factor_reset": (
        "get",
        lambda w: reverse("signin:second_factor_reset", args=[w["signin_person"].pk]),
        POST_ONLY,
    ),
    "councils:council_list": ("get", lambda w: reverse("councils:council_list"), READERS),
    "councils:council_detail": (
        "get",
        lambda w: reverse("councils:council_detail", args=[w["council"].code]),
        READERS,
    ),
    "councils:jurisdiction_list": ("get", lambda w: reverse("councils:jurisdiction_list"), READERS),
    "councils:priority_list": ("get", lambda w: reverse("councils:priority_list"), READERS),
    "councils:priority_detail": (
        "get",
        lambda w: reverse("councils:priority_detail", args=[w["priority"].code]),
        READERS,
    ),
    "workinggroups:group_list": ("get", lambda w: reverse("workinggroups:group_list"), READERS),
    "workinggroups:group_detail": (
        "get",
        lambda w: reverse("workinggroups:group_detail", args=[w["group"].slug]),
        READERS,
    ),
    "notifications:inbox": ("get", lambda w: reverse("notifications:inbox"), EVERYONE_SIGNED_IN),
    "notifications:preferences": (
        "get",
        lambda w: reverse("notifications:preferences"),
        EVERYONE_SIGNED_IN,
    ),
    "notifications:mark_read": (
        "get",
        lambda w: reverse("notifications:mark_read", args=[1]),
        POST_ONLY,
    ),
    "notifications:mark_all_read": (
        "get",
        lambda w: reverse("notifications:mark_all_read"),
        POST_ONLY,
    ),
    "notifications:reminder_log": (
        "get",
        lambda w: reverse("notifications:reminder_log"),
        SECRETARIAT_ONLY,
    ),
    "notifications:failed_messages": (
        "get",
        lambda w: reverse("notifications:failed_messages"),
        SECRETARIAT_ONLY,
    ),
    "notifications:resend": (
        "get",
        lambda w: reverse("notifications:resend", args=[w["failed_message"].pk]),
        POST_ONLY,
    ),
    # Funding: a draft is its group's business; a submitted request is also its reviewers'.
    "funding:request_list": ("get", lambda w: reverse("funding:request_list"), READERS),
    "funding:overview": ("get", lambda w: reverse("funding:overview"), READERS),
    "funding:overview_csv": ("get", lambda w: reverse("funding:overview_csv"), READERS),
    "funding:review_queue": (
        "get",
        lambda w: reverse("funding:review_queue"),
        {**READERS, "member": 403, "group_cochair": 403, "secretariat": 403},
    ),
    "funding:request_create": (
        "get",
        lambda w: reverse("funding:request_create"),
        {**READERS, "member": 403, "council_cochair": 403, "secretariat": 403},
    ),
    "funding:request_detail": (
        "get",
        lambda w: reverse("funding:request_detail", args=[w["funding_request"].pk]),
        {**READERS, "outsider": 404, "member": 404},
    ),
    "funding:request_edit": (
        "get",
        lambda w: reverse("funding:request_edit", args=[w["draft_request"].pk]),
        {**READERS, "outsider": 404, "member": 404, "council_cochair": 404, "secretariat": 403},
    ),
    "funding:attachment_download": (
        "get",
        lambda w: reverse(
            "funding:attachment_download", args=[w["funding_request"].pk, w["attachment"].pk]
        ),
        {**READERS, "outsider": 404, "member": 404},
    ),
    **{
        f"funding:request_{action}": (
            "get",
            lambda w, a=action: reverse(f"funding:request_{a}", args=[w["funding_request"].pk]),
            POST_ONLY,
        )
        for action in ("submit", "recommend", "schedule", "reschedule", "decide")
    },
    # The meeting package: published by the secretariat, downloaded by everyone who may see
    # the meeting (as the approved minutes' PDF).
    "funding:package_publish": (
        "get",
        lambda w: reverse("funding:package_publish", args=[w["meeting"].pk]),
        {**SECRETARIAT_MANAGES, "anonymous": 302},
    ),
    "funding:package_download": (
        "get",
        lambda w: reverse("funding:package_download", args=[w["meeting_package"].pk, "fr"]),
        {**READERS, "outsider": 404},
    ),
    "councils:minutes_pdf": (
        "get",
        lambda w: reverse("councils:minutes_pdf", args=[w["approved_meeting"].pk, "en"]),
        {**READERS, "outsider": 404},
    ),
    # Declaring an interest: members and co-chairs of a council (their own), the secretariat
    # (for them), on a request they may see.
    "funding:request_declare": (
        "get",
        lambda w: reverse("funding:request_declare", args=[w["funding_request"].pk]),
        {**READERS, "outsider": 404, "member": 404, "group_cochair": 403},
    ),
    # Withdrawing is final, so its GET is a confirmation page: the requesters' only.
    "funding:request_withdraw": (
        "get",
        lambda w: reverse("funding:request_withdraw", args=[w["funding_request"].pk]),
        {**READERS, "outsider": 404, "member": 404, "council_cochair": 403, "secretariat": 403},
    ),
    # Meetings, action items, external bodies (councils); groups' lifecycle, measures,
    # workplans and calendar (workinggroups). Rows reviewed one by one: readers see, the
    # secretariat manages, a workplan draft is its group's business, the feed needs its secret.
    "councils:meeting_list": (
        "get",
        lambda w: reverse("councils:meeting_list"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "councils:meeting_create": (
        "get",
        lambda w: reverse("councils:meeting_create"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "councils:meeting_detail": (
        "get",
        lambda w: reverse("councils:meeting_detail", args=[w["meeting"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "councils:meeting_edit": (
        "get",
        lambda w: reverse("councils:meeting_edit", args=[w["meeting"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    # A co-chairs' check-in (issue 13, section 6): the same meeting pages, with the groups'
    # status on the page and the groups on the form.
    "councils:meeting_detail (check-in)": (
        "get",
        lambda w: reverse("councils:meeting_detail", args=[w["check_in"].pk]),
        {**READERS, "outsider": 404},
    ),
    "councils:meeting_edit (check-in)": (
        "get",
        lambda w: reverse("councils:meeting_edit", args=[w["check_in"].pk]),
        SECRETARIAT_MANAGES,
    ),
    "councils:meeting_ics": (
        "get",
        lambda w: reverse("councils:meeting_ics", args=[w["meeting"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "councils:agenda_item_create": (
        "get",
        lambda w: reverse("councils:agenda_item_create", args=[w["meeting"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "councils:agenda_item_edit": (
        "get",
        lambda w: reverse("councils:agenda_item_edit", args=[w["agenda_item"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "councils:minutes_draft": (
        "get",
        lambda w: reverse("councils:minutes_draft", args=[w["meeting"].pk]),
        POST_ONLY,
    ),
    "councils:minutes_circulate": (
        "get",
        lambda w: reverse("councils:minutes_circulate", args=[w["meeting"].pk]),
        POST_ONLY,
    ),
    "councils:minutes_erratum_create": (
        "get",
        lambda w: reverse("councils:minutes_erratum_create", args=[w["meeting"].pk]),
        {**SECRETARIAT_MANAGES, "anonymous": 302},
    ),
    "councils:agenda_item_declare": (
        "get",
        lambda w: reverse("councils:agenda_item_declare", args=[w["agenda_item"].pk]),
        {**READERS, "outsider": 404, "group_cochair": 403},
    ),
    # Withdrawn by the person who declared (the member here) or the secretariat.
    "councils:declaration_withdraw": (
        "get",
        lambda w: reverse("councils:declaration_withdraw", args=[w["declaration"].pk]),
        {**READERS, "outsider": 404, "group_cochair": 403, "council_cochair": 403},
    ),
    "councils:attendee_create": (
        "get",
        lambda w: reverse("councils:attendee_create", args=[w["meeting"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "councils:attendee_edit": (
        "get",
        lambda w: reverse("councils:attendee_edit", args=[w["attendee"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "councils:decision_create": (
        "get",
        lambda w: reverse("councils:decision_create", args=[w["meeting"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "councils:decision_edit": (
        "get",
        lambda w: reverse("councils:decision_edit", args=[w["decision"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "councils:meeting_part_remove": (
        "get",
        lambda w: reverse("councils:meeting_part_remove", args=["attendee", w["attendee"].pk]),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "councils:action_item_list": (
        "get",
        lambda w: reverse("councils:action_item_list"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "councils:action_item_create": (
        "get",
        lambda w: reverse("councils:action_item_create"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "councils:action_item_edit": (
        "get",
        lambda w: reverse("councils:action_item_edit", args=[w["action_item"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "councils:action_item_status": (
        "get",
        lambda w: reverse("councils:action_item_status", args=[w["action_item"].pk]),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "councils:external_body_list": (
        "get",
        lambda w: reverse("councils:external_body_list"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "councils:external_body_create": (
        "get",
        lambda w: reverse("councils:external_body_create"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "councils:external_body_detail": (
        "get",
        lambda w: reverse("councils:external_body_detail", args=[w["external_body"].slug]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "councils:external_body_edit": (
        "get",
        lambda w: reverse("councils:external_body_edit", args=[w["external_body"].slug]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "councils:engagement_create": (
        "get",
        lambda w: reverse("councils:engagement_create", args=[w["external_body"].slug]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "workinggroups:health": (
        "get",
        lambda w: reverse("workinggroups:health"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "workinggroups:measure_list": (
        "get",
        lambda w: reverse("workinggroups:measure_list"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "workinggroups:measure_create": (
        "get",
        lambda w: reverse("workinggroups:measure_create"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    # Progress reporting: readers see objectives and filed reports; the group's co-chairs and
    # the secretariat update objectives and write reports; the secretariat reviews them.
    "workinggroups:objective_detail": (
        "get",
        lambda w: reverse("workinggroups:objective_detail", args=[w["objective"].pk]),
        {**READERS, "outsider": 404},
    ),
    "workinggroups:objective_update": (
        "get",
        lambda w: reverse("workinggroups:objective_update", args=[w["objective"].pk]),
        POST_ONLY,
    ),
    "workinggroups:report_list": (
        "get",
        lambda w: reverse("workinggroups:report_list", args=[w["group"].slug]),
        {**READERS, "outsider": 404},
    ),
    "workinggroups:report_start": (
        "get",
        lambda w: reverse("workinggroups:report_start", args=[w["group"].slug]),
        POST_ONLY,
    ),
    "workinggroups:report_detail": (
        "get",
        lambda w: reverse("workinggroups:report_detail", args=[w["draft_report"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 404,
            "group_cochair": 200,
            "council_cochair": 404,
            "secretariat": 200,
        },
    ),
    # Not a URL name: the same page for a filed report, which every reader sees (and whose
    # review forms the fuzzer then finds).
    "workinggroups:report_detail (filed)": (
        "get",
        lambda w: reverse("workinggroups:report_detail", args=[w["filed_report"].pk]),
        {**READERS, "outsider": 404},
    ),
    "workinggroups:report_acknowledge": (
        "get",
        lambda w: reverse("workinggroups:report_acknowledge", args=[w["filed_report"].pk]),
        POST_ONLY,
    ),
    "workinggroups:report_return": (
        "get",
        lambda w: reverse("workinggroups:report_return", args=[w["filed_report"].pk]),
        POST_ONLY,
    ),
    "workinggroups:measure_detail": (
        "get",
        lambda w: reverse("workinggroups:measure_detail", args=[w["measure"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "workinggroups:measure_edit": (
        "get",
        lambda w: reverse("workinggroups:measure_edit", args=[w["measure"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "workinggroups:measure_status": (
        "get",
        lambda w: reverse("workinggroups:measure_status", args=[w["measure"].pk]),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "workinggroups:workplan_detail": (
        "get",
        lambda w: reverse("workinggroups:workplan_detail", args=[w["draft_workplan"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 404,
            "group_cochair": 200,
            "council_cochair": 404,
            "secretariat": 200,
        },
    ),
    "workinggroups:workplan_edit": (
        "get",
        lambda w: reverse("workinggroups:workplan_edit", args=[w["draft_workplan"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 404,
            "group_cochair": 200,
            "council_cochair": 404,
            "secretariat": 403,
        },
    ),
    "workinggroups:workplan_submit": (
        "get",
        lambda w: reverse("workinggroups:workplan_submit", args=[w["draft_workplan"].pk]),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "workinggroups:workplan_discard": (
        "get",
        lambda w: reverse("workinggroups:workplan_discard", args=[w["draft_workplan"].pk]),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "workinggroups:workplan_accept": (
        "get",
        lambda w: reverse("workinggroups:workplan_accept", args=[w["submitted_workplan"].pk]),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "workinggroups:workplan_return": (
        "get",
        lambda w: reverse("workinggroups:workplan_return", args=[w["submitted_workplan"].pk]),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "workinggroups:link_delete": (
        "get",
        lambda w: reverse("workinggroups:link_delete", args=[w["group_link"].pk]),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "workinggroups:calendar": (
        "get",
        lambda w: reverse("workinggroups:calendar"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "workinggroups:calendar_new": (
        "get",
        lambda w: reverse("workinggroups:calendar_new"),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "workinggroups:calendar_revoke": (
        "get",
        lambda w: reverse("workinggroups:calendar_revoke"),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "workinggroups:calendar_feed": (
        "get",
        lambda w: reverse("workinggroups:calendar_feed", args=[w["calendar_token"]]),
        {
            "anonymous": 200,
            "outsider": 200,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "workinggroups:transition": (
        "get",
        lambda w: reverse("workinggroups:transition", args=[w["group"].slug, "winding_down"]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "workinggroups:review_create": (
        "get",
        lambda w: reverse("workinggroups:review_create", args=[w["group"].slug]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "workinggroups:link_create": (
        "get",
        lambda w: reverse("workinggroups:link_create", args=[w["group"].slug]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "workinggroups:workplan_list": (
        "get",
        lambda w: reverse("workinggroups:workplan_list", args=[w["group"].slug]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "workinggroups:workplan_new": (
        "get",
        lambda w: reverse("workinggroups:workplan_new", args=[w["group"].slug]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 200,
            "council_cochair": 403,
            "secretariat": 403,
        },
    ),
    "workinggroups:workplan_compare": (
        "get",
        lambda w: reverse("workinggroups:workplan_compare", args=[w["group"].slug]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 404,
            "group_cochair": 200,
            "council_cochair": 404,
            "secretariat": 200,
        },
    ),
    # Strategic plan: every reader sees the dashboard and the adopted plans; a draft plan is
    # seen by council co-chairs and the secretariat only; the secretariat manages plans.
    "strategy:dashboard": (
        "get",
        lambda w: reverse("strategy:dashboard"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    # The world has an adopted plan (the published one, publication/tests/fuzz_world.py), so
    # every reader gets its CSV; without one, readers who cannot see drafts get a 404.
    "strategy:dashboard_csv": (
        "get",
        lambda w: reverse("strategy:dashboard_csv"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "strategy:plan_list": (
        "get",
        lambda w: reverse("strategy:plan_list"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 200,
            "group_cochair": 200,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "strategy:plan_create": (
        "get",
        lambda w: reverse("strategy:plan_create"),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "strategy:plan_detail": (
        "get",
        lambda w: reverse("strategy:plan_detail", args=[w["plan"].pk]),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 404,
            "group_cochair": 404,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "strategy:plan_refresh": (
        "get",
        lambda w: reverse("strategy:plan_refresh", args=[w["plan"].pk]),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 404,
            "group_cochair": 404,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "strategy:plan_compare": (
        "get",
        lambda w: reverse("strategy:plan_compare", args=[w["plan"].pk]),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 404,
            "group_cochair": 404,
            "council_cochair": 200,
            "secretariat": 200,
        },
    ),
    "strategy:plan_snapshot": (
        "get",
        lambda w: reverse("strategy:plan_snapshot", args=[w["plan"].pk]),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "strategy:item_weight": (
        "get",
        lambda w: reverse("strategy:item_weight", args=[w["plan"].pk, w["plan_item"].pk]),
        {
            "anonymous": 302,
            "outsider": 405,
            "member": 405,
            "group_cochair": 405,
            "council_cochair": 405,
            "secretariat": 405,
        },
    ),
    "strategy:plan_transition": (
        "get",
        lambda w: reverse("strategy:plan_transition", args=[w["plan"].pk, "adopt"]),
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 404,
            "group_cochair": 404,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    # The secretariat's groups, mandates and memberships (issue 12, section 2): managers
    # only; the mandate's versions are read by every reader.
    "councils:person_search": (
        "get",
        lambda w: reverse("councils:person_search") + "?q=a",
        SECRETARIAT_ONLY,
    ),
    "councils:council_members": (
        "get",
        lambda w: reverse("councils:council_members", args=[w["council"].code]),
        SECRETARIAT_MANAGES,
    ),
    "councils:council_quorum": (
        "get",
        lambda w: reverse("councils:council_quorum", args=[w["council"].code]),
        SECRETARIAT_MANAGES,
    ),
    "councils:council_membership_create": (
        "get",
        lambda w: reverse("councils:council_membership_create", args=[w["council"].code]),
        SECRETARIAT_MANAGES,
    ),
    "councils:council_membership_edit": (
        "get",
        lambda w: reverse("councils:council_membership_edit", args=[w["council_membership"].pk]),
        SECRETARIAT_MANAGES,
    ),
    "councils:council_membership_end": (
        "get",
        lambda w: reverse("councils:council_membership_end", args=[w["council_membership"].pk]),
        SECRETARIAT_MANAGES,
    ),
    "workinggroups:group_create": (
        "get",
        lambda w: reverse("workinggroups:group_create"),
        SECRETARIAT_ONLY,
    ),
    "workinggroups:group_edit": (
        "get",
        lambda w: reverse("workinggroups:group_edit", args=[w["group"].slug]),
        SECRETARIAT_MANAGES,
    ),
    "workinggroups:mandate_history": (
        "get",
        lambda w: reverse("workinggroups:mandate_history", args=[w["group"].slug]),
        {**READERS, "outsider": 404},
    ),
    "workinggroups:group_memberships": (
        "get",
        lambda w: reverse("workinggroups:group_memberships", args=[w["group"].slug]),
        SECRETARIAT_MANAGES,
    ),
    "workinggroups:membership_create": (
        "get",
        lambda w: reverse("workinggroups:membership_create", args=[w["group"].slug]),
        SECRETARIAT_MANAGES,
    ),
    "workinggroups:membership_edit": (
        "get",
        lambda w: reverse("workinggroups:membership_edit", args=[w["group_membership"].pk]),
        SECRETARIAT_MANAGES,
    ),
    "workinggroups:membership_end": (
        "get",
        lambda w: reverse("workinggroups:membership_end", args=[w["group_membership"].pk]),
        SECRETARIAT_MANAGES,
    ),
    # People: the secretariat's area; the invitee's link and the password reset are public
    # pages (a signed-in person opening someone's invitation is told to sign out first).
    "people:person_list": ("get", lambda w: reverse("people:person_list"), SECRETARIAT_ONLY),
    "people:person_invite": ("get", lambda w: reverse("people:person_invite"), SECRETARIAT_ONLY),
    "people:person_detail": (
        "get",
        lambda w: reverse("people:person_detail", args=[w["invited_person"].pk]),
        SECRETARIAT_ONLY,
    ),
    "people:person_edit": (
        "get",
        lambda w: reverse("people:person_edit", args=[w["invited_person"].pk]),
        SECRETARIAT_ONLY,
    ),
    "people:invitation_resend": (
        "get",
        lambda w: reverse("people:invitation_resend", args=[w["invited_person"].pk]),
        POST_ONLY,
    ),
    "people:person_deactivate": (
        "get",
        lambda w: reverse("people:person_deactivate", args=[w["leaving_person"].pk]),
        SECRETARIAT_ONLY,
    ),
    "people:person_reactivate": (
        "get",
        lambda w: reverse("people:person_reactivate", args=[w["former_person"].pk]),
        SECRETARIAT_ONLY,
    ),
    "people:invitation_accept": (
        "get",
        lambda w: reverse("people:invitation_accept", args=[w["invitation_token"]]),
        everyone(200),
    ),
    "people:invitation_renew": (
        "get",
        lambda w: reverse("people:invitation_renew", args=[w["invitation_token"]]),
        everyone(405),
    ),
    # The read-only API (issue 18): lists answer everyone (anonymous callers get the published
    # records: api/visibility.py); one record is 404 to whoever its page refuses.
    "api:api-root": ("get", lambda w: reverse("api:api-root"), everyone(200)),
    "api:schema": ("get", lambda w: reverse("api:schema"), everyone(200)),
    "api:docs": ("get", lambda w: reverse("api:docs"), everyone(200)),
    **{
        f"api:{name}-list": ("get", lambda w, name=name: reverse(f"api:{name}-list"), everyone(200))
        for name in ("council", "group", "objective", "plan", "meeting", "funding-request")
    },
    # The world's group is active and its mandate published: it, and the council it reports
    # to, are public records, for anonymous callers too.
    "api:council-detail": (
        "get",
        lambda w: reverse("api:council-detail", args=[w["council"].code]),
        everyone(200),
    ),
    "api:group-detail": (
        "get",
        lambda w: reverse("api:group-detail", args=[w["group"].slug]),
        everyone(200),
    ),
    "api:objective-detail": (
        "get",
        lambda w: reverse("api:objective-detail", args=[w["objective"].pk]),
        API_READERS,
    ),
    "api:meeting-detail": (
        "get",
        lambda w: reverse("api:meeting-detail", args=[w["meeting"].pk]),
        API_READERS,
    ),
    # The world's plan is a draft: the secretariat and the council co-chairs prepare it.
    "api:plan-detail": (
        "get",
        lambda w: reverse("api:plan-detail", args=[w["plan"].pk]),
        {**everyone(404), "council_cochair": 200, "secretariat": 200},
    ),
    # A submitted request: its group, its reviewers and the secretariat (as its page).
    "api:funding-request-detail": (
        "get",
        lambda w: reverse("api:funding-request-detail", args=[w["funding_request"].pk]),
        {**everyone(404), "group_cochair": 200, "council_cochair": 200, "secretariat": 200},
    ),
    # A person's API tokens (their account); the world's token is the member's.
    "api_tokens:list": ("get", lambda w: reverse("api_tokens:list"), EVERYONE_SIGNED_IN),
    "api_tokens:revoke": (
        "get",
        lambda w: reverse("api_tokens:revoke", args=[w["api_token"].pk]),
        {**everyone(404), "anonymous": 302, "member": 200},
    ),
    "password_reset": ("get", lambda w: reverse("password_reset"), everyone(200)),
    "password_reset_done": ("get", lambda w: reverse("password_reset_done"), everyone(200)),
    "password_reset_confirm": (
        "get",
        lambda w: reverse("password_reset_confirm", args=["MQ", "not-a-token"]),
        everyone(200),
    ),
    "password_reset_complete": (
        "get",
        lambda w: reverse("password_reset_complete"),
        everyone(200),
    ),
    # Publication (issue 18): the secretariat's list and step page; the public pages answer
    # everyone, signed in or not (the anonymous column is 200 only here and above).
    "publication:list": ("get", lambda w: reverse("publication:list"), SECRETARIAT_ONLY),
    "publication:manage": (
        "get",
        lambda w: reverse("publication:manage", args=["plan", w["public_plan"].pk]),
        SECRETARIAT_ONLY,
    ),
    **{
        f"public:{name}": ("get", make_url, everyone(200))
        for name, make_url in {
            "index": lambda w: reverse("public:index"),
            "plan": lambda w: reverse("public:plan", args=[w["public_plan"].pk]),
            "groups": lambda w: reverse("public:groups"),
            "group": lambda w: reverse("public:group", args=[w["group"].slug]),
            "funding": lambda w: reverse("public:funding"),
            "meetings": lambda w: reverse("public:meetings"),
            "meeting": lambda w: reverse("public:meeting", args=[w["public_meeting"].pk]),
            "data": lambda w: reverse("public:data"),
            "data_file": lambda w: reverse("public:data_file", args=["funding", "csv"]),
            "data_schema": lambda w: reverse("public:data_schema", args=["funding"]),
            "data_dictionary": lambda w: reverse("public:data_dictionary", args=["json"]),
        }.items()
    },
}

# The URLs anyone may read without signing in; every other page sends the anonymous reader
# to sign in (or answers as the sign-in flow needs), never shows them a governance page.
PUBLIC_PREFIX = "public:"


def url_names(resolver=None, namespace=None):
    """Every named URL pattern of the project, outside the Django admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue
            prefix = f"{ns}:" if entry.namespace else (f"{namespace}:" if namespace else "")
            for name in url_names(entry, ns):
                yield name if ":" in name or not prefix else prefix + name
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def test_every_url_is_in_the_matrix():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, f"URL patterns without an expected answer per persona: {missing}"


@pytest.fixture
def world(module_world, db):
    """Built once for the module's 200-odd tests (conftest.module_world); each test's requests
    are rolled back before the next."""
    return module_world


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_persona_gets_the_expected_answer(world, client_for, name):
    method, make_url, expected = MATRIX[name]
    url = make_url(world)
    got = {}
    for persona in PERSONAS:
        response = getattr(client_for(world[persona]), method)(url)
        got[persona] = response.status_code
    assert got == {p: expected[p] for p in PERSONAS}, f"{name} {url}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_sends_non_staff_to_its_login(world, client_for, persona):
    response = client_for(world[persona]).get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_reach_the_admin(world, client_for):
    world["secretariat"].is_staff = True
    world["secretariat"].is_superuser = True
    world["secretariat"].save()
    assert client_for(world["secretariat"]).get(reverse("admin:index")).status_code == 200


def test_a_person_cannot_mark_someone_elses_notification(world, client_for):
    from notifications.models import Notification

    fields = {f.name for f in Notification._meta.get_fields()}
    assert "recipient" in fields and "read_at" in fields
    mine = Notification.objects.create(
        recipient=world["member"],
        kind="objective_due",
        **{k: "x" for k in ("text_en", "text_fr") if k in fields},
    )
    response = client_for(world["outsider"]).post(
        reverse("notifications:mark_read", args=[mine.pk])
    )
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


# Issue 12's actions that only answer POST: the rows above can only say 405 to a GET. Here
# each persona posts an empty form, in the order of PERSONAS (the secretariat last), and the
# answer says who may act: refused (302 to sign in, 403 may see but not act, 404 may not know
# it exists) with nothing written, or allowed (the form answers: 200 with its messages, 302
# back to the page with one). Never a 5xx.
POST_MATRIX = {
    "workinggroups:objective_update": (
        lambda w: reverse("workinggroups:objective_update", args=[w["objective"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 200,
            "council_cochair": 403,
            "secretariat": 200,
        },
    ),
    "workinggroups:report_start": (
        lambda w: reverse("workinggroups:report_start", args=[w["group"].slug]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 302,
            "council_cochair": 403,
            "secretariat": 302,
        },
    ),
    "workinggroups:report_acknowledge": (
        lambda w: reverse("workinggroups:report_acknowledge", args=[w["filed_report"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 302,
        },
    ),
    "workinggroups:report_return": (
        lambda w: reverse("workinggroups:report_return", args=[w["filed_report"].pk]),
        {
            "anonymous": 302,
            "outsider": 404,
            "member": 403,
            "group_cochair": 403,
            "council_cochair": 403,
            "secretariat": 302,
        },
    ),
    "people:invitation_resend": (
        lambda w: reverse("people:invitation_resend", args=[w["invited_person"].pk]),
        {**SECRETARIAT_ONLY, "secretariat": 302},
    ),
}


def our_rows():
    from django.apps import apps

    ours = {"councils", "workinggroups", "people", "notifications", "strategy"}
    return {
        m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in ours
    }


def test_every_post_only_issue_12_url_has_a_post_row():
    issue_12 = {
        name
        for name in url_names()
        if name.startswith(("workinggroups:objective", "workinggroups:report", "people:"))
    }
    post_only = {name for name in issue_12 if set(MATRIX[name][2].values()) <= {302, 405}}
    # The invitee's "send me a new link" answers everyone alike (tests in people/).
    assert post_only - {"people:invitation_renew"} <= set(POST_MATRIX)


@pytest.mark.parametrize("name", sorted(POST_MATRIX))
def test_each_persona_may_or_may_not_act(world, client_for, name):
    make_url, expected = POST_MATRIX[name]
    url = make_url(world)
    got = {}
    for persona in PERSONAS:
        before = our_rows()
        response = client_for(world[persona]).post(url, {})
        got[persona] = response.status_code
        if expected[persona] in (403, 404) or persona == "anonymous":
            assert our_rows() == before, f"{persona} was refused yet something was written"
    assert got == {p: expected[p] for p in PERSONAS}, f"{name} {url}"


def test_only_the_public_pages_answer_the_anonymous_reader():
    """The anonymous column: a 200 only for the public pages, the sign-in flow's own pages
    (login, password reset, invitation, the health check) and the secret-address calendar
    feed, never for a governance page; every other URL redirects to sign-in or refuses."""
    signin_flow = {
        "healthz",
        "login",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "people:invitation_accept",
        # A personal feed at a secret, revocable address (its token is the credential).
        "workinggroups:calendar_feed",
    }
    answered = {name for name, (_, _, expected) in MATRIX.items() if expected["anonymous"] == 200}
    public = {name for name in answered if name.startswith(PUBLIC_PREFIX)}
    assert public == {name for name in MATRIX if name.startswith(PUBLIC_PREFIX)}
    # The read-only API answers anonymous callers with the published records only (its own
    # tests hold it to publication.selectors).
    api = {name for name in answered if name.startswith("api:")}
    assert answered - public - api <= signin_flow, answered - public - api - signin_flow


@pytest.mark.parametrize("name", sorted(n for n in MATRIX if n.startswith(PUBLIC_PREFIX)))
def test_a_public_page_is_served_in_both_languages_to_the_anonymous_reader(world, client, name):
    url = MATRIX[name][1](world)
    for language in ("en", "fr"):
        response = client.get(url.replace("/en/", f"/{language}/", 1))
        assert response.status_code == 200
        if response["Content-Type"].startswith("text/html"):
            assert f'<html lang="{language}">' in response.content.decode()


def test_every_other_page_sends_the_anonymous_reader_to_sign_in(world, client):
    """Where the anonymous column says 302, the redirect is to the sign-in page, with the
    page as `next` (sign-out and the single sign-on returns send elsewhere by design)."""
    elsewhere = {"logout", "oidc_signed_out", "signin:second_factor"}
    wrong = {}
    for name, (method, make_url, expected) in MATRIX.items():
        if expected["anonymous"] != 302 or name in elsewhere:
            continue
        response = getattr(client, method)(make_url(world))
        if "/accounts/login/" not in response["Location"]:
            wrong[name] = response["Location"]
    assert not wrong, wrong
