#!/usr/bin/env python3
"""Drives a running Genesys sandbox with Genesys' own Python SDK (PyPI `purecloudplatformclientv2`).

If the SDK can log in, read and write routing languages and skills against the sandbox and parse
every answer into its models, the sandbox speaks the shapes Genesys' own client expects.

Usage: genesys_sdk_check.py INFO_JSON
  INFO_JSON is the one line `skillsync sandbox --platform genesys` (or the `serve` example)
  prints: {"base_url", "platform", "client_id", "client_secret"}; "-" reads it from stdin.
Exit status 0 when every check passed; an exception or a failed check exits non-zero.
"""

import json
import sys

import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.rest import ApiException


def check(condition, message):
    if not condition:
        raise SystemExit(f"FAILED: {message}")
    print(f"ok   {message}")


def item(model, ident, proficiency):
    """An SDK body item: the generated models take no constructor arguments."""
    value = model()
    value.id = ident
    value.proficiency = proficiency
    return value


def main():
    raw = sys.stdin.readline() if len(sys.argv) < 2 or sys.argv[1] == "-" else sys.argv[1]
    info = json.loads(raw)
    check(info["platform"] == "genesys", "the sandbox imitates Genesys")

    # The SDK takes its token from `{host}/oauth/token` when the host does not start with `api.`.
    client = gc.api_client.ApiClient(host=info["base_url"]).get_client_credentials_token(
        info["client_id"], info["client_secret"]
    )
    check(bool(client.access_token), "client-credentials login through the SDK")
    routing = gc.RoutingApi(client)
    users_api = gc.UsersApi(client)

    languages = routing.get_routing_languages(page_size=100)
    names = [l.name for l in languages.entities]
    check(len(names) >= 2, f"get_routing_languages lists {names}")
    first, second = languages.entities[0], languages.entities[1]

    users = users_api.get_users(page_size=25, expand=["skills", "languages"])
    user = users.entities[0]
    check(user.id is not None, f"get_users with expand=skills,languages gives {user.email}")

    body = [
        item(gc.UserRoutingLanguagePost, first.id, 4),
        item(gc.UserRoutingLanguagePost, second.id, 2),
    ]
    listing = users_api.patch_user_routinglanguages_bulk(user.id, body)
    held = {l.name: l.proficiency for l in listing.entities}
    check(held.get(first.name) == 4 and held.get(second.name) == 2,
          f"patch_user_routinglanguages_bulk answers the whole set {held}")

    read = users_api.get_user_routinglanguages(user.id)
    read_back = {l.name: l.proficiency for l in read.entities}
    check(read_back == held, f"get_user_routinglanguages reads back {read_back}")

    users_api.delete_user_routinglanguage(user.id, first.id)
    after = {l.name for l in users_api.get_user_routinglanguages(user.id).entities}
    check(first.name not in after and second.name in after,
          f"delete_user_routinglanguage removed {first.name}, left {sorted(after)}")

    skills = routing.get_routing_skills(page_size=100).entities
    check(len(skills) >= 2, f"get_routing_skills lists {len(skills)} skills")
    statuses = []
    for level in (3, 5):
        body = [item(gc.UserRoutingSkillPost, skills[0].id, level),
                item(gc.UserRoutingSkillPost, skills[1].id, level - 1)]
        try:
            answer = users_api.patch_user_routingskills_bulk(user.id, body)
            statuses.append(200)
        except ApiException as e:
            statuses.append(e.status)
            answer = None
    check(statuses == [200, 200], f"patch_user_routingskills_bulk twice back to back: {statuses} (no 409)")
    by_id = {s.id: s.proficiency for s in answer.entities}
    check(by_id.get(skills[0].id) == 5 and by_id.get(skills[1].id) == 4,
          "the second PATCH's values are the user's skills")

    print("all SDK checks passed")


if __name__ == "__main__":
    main()
